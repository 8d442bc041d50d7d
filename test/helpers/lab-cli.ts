// The pgha CLI run against the lab from the tests, and the lab cluster's members as its agents
// report them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { labAddress } from './lab.js';
import { projectPath } from './paths.js';

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs bin/pgha.mjs; every stdout and stderr also goes to `outputs`, for secret checks. */
export async function runPgha(outputs: string[], ...args: string[]): Promise<CliRun> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run('node', [projectPath('bin/pgha.mjs'), ...args], { timeout: 400_000, maxBuffer: 64 * 1024 * 1024 });
    outputs.push(stdout, stderr);
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    outputs.push(failed.stdout ?? '', failed.stderr ?? '');
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', ms: Date.now() - started };
  }
}

export interface Member {
  name: string;
  role: string;
  state: string;
}

/** GET /cluster from the first lab agent that answers; [] when none does. */
export async function labMembers(hosts: readonly number[] = [1, 2, 3]): Promise<Member[]> {
  for (const host of hosts) {
    try {
      const response = await fetch(`http://${labAddress(host)}:8008/cluster`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return ((await response.json()) as { members: Member[] }).members;
    } catch {
      // try the next host
    }
  }
  return [];
}
