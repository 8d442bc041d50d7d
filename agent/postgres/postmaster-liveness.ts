// Whether a postmaster runs on a data directory, from its `postmaster.pid` and `/proc/<pid>/stat`.
// `kill(pid, 0)` is not enough: a killed postmaster stays a zombie until its parent (PID 1,
// since pg_ctl detaches it) reaps it, which can take seconds, and a zombie answers signal 0.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What `postmaster.pid` says about the postmaster that wrote it. */
export interface PostmasterPidFile {
  pid: number;
  port?: number;
  /** The first of `listen_addresses`, `*` for all. */
  listenAddress?: string;
  /** `starting`, `stopping`, `ready` or `standby` (PostgreSQL 10+). */
  status?: string;
}

/** `alive`: runs; `zombie`: dead but not reaped yet; `gone`: no such process, or another program now has its PID. */
export type PostmasterProcess = 'alive' | 'zombie' | 'gone';

export async function readPostmasterPidFile(dataDir: string): Promise<PostmasterPidFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Lines: pid, data directory, start time, port, socket directory, listen address, shared memory key, status.
  const lines = text.split('\n').map((line) => line.trim());
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const port = Number(lines[3]);
  return {
    pid,
    ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    ...(lines[5] ? { listenAddress: lines[5] } : {}),
    ...(lines[7] ? { status: lines[7] } : {}),
  };
}

/**
 * Whether reading a `/proc/<pid>` file failed because the process is gone: ENOENT when the file
 * is opened after the process was reaped, ESRCH when it is read after that. EACCES is not one of
 * them: that process may well run, and only this program cannot look.
 */
export function processGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

const readText = (path: string): Promise<string> => readFile(path, 'utf8');

export async function postmasterProcess(pid: number, read: (path: string) => Promise<string> = readText): Promise<PostmasterProcess> {
  let stat: string;
  try {
    stat = await read(`/proc/${pid}/stat`);
  } catch (error) {
    if (processGone(error)) return 'gone';
    throw error;
  }
  // "pid (comm) state ...": comm may itself contain spaces and parentheses.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(open + 1, close);
  const state = stat.slice(close + 2, close + 3);
  if (comm !== 'postgres' && comm !== 'postmaster') return 'gone';
  return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
}

/** The pid file of the postmaster running on `dataDir`, or undefined when none runs. */
export async function livePostmaster(dataDir: string): Promise<PostmasterPidFile | undefined> {
  const pidFile = await readPostmasterPidFile(dataDir);
  if (pidFile === undefined) return undefined;
  return (await postmasterProcess(pidFile.pid)) === 'alive' ? pidFile : undefined;
}
