// Runs a program by argv (never through a shell), optionally as another OS user, and always
// within a deadline: a program still running at its deadline is killed with SIGKILL.
import { spawn } from 'node:child_process';

/** The OS user the PostgreSQL programs run as (PostgreSQL refuses to run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface RunOptions {
  timeoutMs: number;
  runAs?: RunAs;
  /** Added to the environment; the parent's PG* variables are never passed on. */
  env?: Record<string, string>;
  /** Killed (SIGKILL) when this aborts, as at its deadline. */
  cancel?: AbortSignal;
  /**
   * Run it in a process group of its own and kill the whole group, so a program's children go
   * with it. Not for pg_ctl, whose postmaster must outlive it.
   */
  ownProcessGroup?: boolean;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr interleaved, the last 64 KiB. */
  output: string;
}

const OUTPUT_LIMIT = 65536;
/** A killed program's grandchildren may hold its pipes open; stop waiting for them after this. */
const PIPE_GRACE_MS = 1000;

function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('PG'));
  return { ...Object.fromEntries(inherited), ...extra };
}

export function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnvironment(options.env),
      cwd: '/',
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
      ...(options.ownProcessGroup && { detached: true }),
    });
    let output = '';
    let timedOut = false;
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const kill = (): void => {
      if (options.ownProcessGroup && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      } else child.kill('SIGKILL');
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.cancel?.addEventListener('abort', kill, { once: true });
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      options.cancel?.removeEventListener('abort', kill);
      resolve({ exitCode: child.exitCode, signal: child.signalCode, timedOut, output });
    };
    child.once('error', (error) => {
      clearTimeout(deadline);
      options.cancel?.removeEventListener('abort', kill);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.once('exit', () => {
      graceTimer = setTimeout(finish, PIPE_GRACE_MS);
    });
    child.once('close', finish);
  });
}

/** A program that did not exit with status 0. */
export class ProcessError extends Error {
  constructor(
    readonly command: string,
    readonly result: ProcessResult,
  ) {
    super(`${command} ${describeExit(result)}${result.output.trim() ? `:\n${result.output.trim().slice(-4000)}` : ''}`);
    this.name = 'ProcessError';
  }
}

export function describeExit(result: ProcessResult): string {
  if (result.timedOut) return 'timed out and was killed';
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with status ${result.exitCode}`;
}

/** Like runProcess, but rejects with a ProcessError unless the program exits with status 0. */
export async function runChecked(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.exitCode !== 0) throw new ProcessError(command, result);
  return result;
}
