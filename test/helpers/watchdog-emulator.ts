// The watchdog emulator (test/watchdog/emulator.mjs) as a child process: a FIFO the agent opens
// as its watchdog device, whose expiry really SIGKILLs the node's processes. Its stdout events
// are parsed as they come; it is stopped by PID.
import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunAs } from '../../agent/postgres/process-runner.js';
import { startProcess, waitFor } from './child-process.js';
import { projectPath } from './paths.js';
import { postgresRunAs } from './postgres-user.js';

export type WatchdogEventName = 'ready' | 'open' | 'keepalive' | 'magic-close' | 'close-without-magic' | 'expired' | 'killed' | 'stopped';

export interface WatchdogCounters {
  opens: number;
  keepalives: number;
  magicCloses: number;
  closesWithoutMagic: number;
  expiries: number;
  killed: number;
}

export interface WatchdogEvent {
  event: WatchdogEventName;
  at: string;
  counters: WatchdogCounters;
  /** killed: the PIDs it SIGKILLed, and what it left alone and why. */
  pids?: number[];
  skipped?: { pid?: number; reason: string }[];
  [field: string]: unknown;
}

export interface WatchdogTargets {
  /** The agent's PIDs (and any other process of the node the reset must take). */
  pids: number[];
  /** The data directory: its postmaster and all the postmaster's descendants die too. */
  dataDir?: string;
}

export interface WatchdogEmulator {
  readonly pid: number;
  /** What the agent takes as watchdog.device, and as the sysfs class directory. */
  readonly devicePath: string;
  readonly sysfsClassDir: string;
  readonly timeoutSeconds: number;
  /** Every event so far, in order. */
  readonly events: readonly WatchdogEvent[];
  count(event: WatchdogEventName): number;
  /** The first `event` at or after index `since` of `events`, waiting up to `timeoutMs` for it. */
  waitForEvent(event: WatchdogEventName, timeoutMs: number, since?: number): Promise<WatchdogEvent>;
  /** Writes the target file (atomically) that the emulator reads when it fires. */
  setTargets(targets: WatchdogTargets): Promise<void>;
  /** Stops the emulator (which removes its FIFO) and removes its directory. */
  stop(): Promise<void>;
}

export interface WatchdogEmulatorOptions {
  timeoutSeconds: number;
  /** Who may open the device; by default the postgres user when the tests run as root, as the agents do. */
  owner?: RunAs;
}

export async function startWatchdogEmulator(options: WatchdogEmulatorOptions): Promise<WatchdogEmulator> {
  const dir = await mkdtemp(join(tmpdir(), 'pgha-watchdog-'));
  // The agent, as postgres, must reach the FIFO and the timeout file inside.
  await chmod(dir, 0o755);
  const targetFile = join(dir, 'targets.json');
  const owner = options.owner ?? postgresRunAs();
  const args = [projectPath('test/watchdog/emulator.mjs'), '--dir', dir, '--timeout', String(options.timeoutSeconds), '--target-file', targetFile];
  if (owner) args.push('--owner', `${owner.uid}:${owner.gid}`);
  const child = startProcess(process.execPath, args);
  const events: WatchdogEvent[] = [];
  let partial = '';
  child.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as WatchdogEvent);
  });

  const emulator: WatchdogEmulator = {
    pid: child.pid,
    devicePath: join(dir, 'dev', 'watchdog'),
    sysfsClassDir: join(dir, 'class', 'watchdog'),
    timeoutSeconds: options.timeoutSeconds,
    events,
    count: (event) => events.filter((e) => e.event === event).length,
    async waitForEvent(event, timeoutMs, since = 0) {
      const find = (): WatchdogEvent | undefined => events.slice(since).find((e) => e.event === event);
      await waitFor(`watchdog emulator event "${event}"`, () => find() !== undefined, timeoutMs, 20).catch((error: Error) => {
        throw new Error(`${error.message}; emulator output:\n${child.output().slice(-4000)}`);
      });
      return find() as WatchdogEvent;
    },
    async setTargets(targets) {
      await writeFile(`${targetFile}.new`, JSON.stringify(targets));
      await rename(`${targetFile}.new`, targetFile);
    },
    async stop() {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await emulator.waitForEvent('ready', 10_000);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return emulator;
}
