// A killed postmaster stays a zombie until its parent reaps it, and where that parent is a slow
// PID 1 this takes seconds. PostgreSQL refuses to start while a lock file (postmaster.pid, and
// `.s.PGSQL.<port>.lock` in each socket directory) names a PID that answers kill(pid, 0), which a
// zombie does. Once the old postmaster is a zombie and none of its children is left, those lock
// files protect nothing, and removing them lets the crash restart begin at once.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { readIfPresent, removeFileIfPresent } from './owned-file.js';
import { postmasterProcess, processGone, type PostmasterPidFile } from './postmaster-liveness.js';

const DEFAULT_SOCKET_DIRECTORY = '/var/run/postgresql';

/** The socket directories of `unix_socket_directories` (comma-separated, optionally quoted). */
export function socketDirectories(setting: string | number | boolean | undefined): string[] {
  const text = setting === undefined ? DEFAULT_SOCKET_DIRECTORY : String(setting);
  return text
    .split(',')
    .map((entry) => entry.trim().replace(/^"(.*)"$/, '$1'))
    .filter((entry) => entry !== '' && entry.startsWith('/'));
}

/** Whether any running (non-zombie) process works in `dataDir`: every PostgreSQL server process does. */
async function processWorksIn(dataDir: string): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      if ((await readlink(`/proc/${entry}/cwd`)) !== dataDir) continue;
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch (error) {
      // Gone meanwhile, a zombie (it has no cwd), or another user's process, which cannot be one
      // of ours. Any other failure leaves open whether the instance still runs.
      if (processGone(error) || (error as NodeJS.ErrnoException).code === 'EACCES') continue;
      throw error;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

async function namesPid(lockFile: string, pid: number): Promise<boolean> {
  const text = await readIfPresent(lockFile);
  return text !== undefined && Number(text.split('\n')[0]?.trim()) === pid;
}

/**
 * Removes the lock files of a dead, unreaped postmaster when nothing of its instance runs any
 * more. Resolves true when the way to a new postmaster is clear (also when there was nothing to
 * remove), false while the old postmaster or any of its children still runs.
 */
export async function clearLocksOfDeadPostmaster(dataDir: string, pidFile: PostmasterPidFile, socketDirs: string[]): Promise<boolean> {
  const process = await postmasterProcess(pidFile.pid);
  if (process === 'gone') return true;
  if (process === 'alive') return false;
  if (await processWorksIn(await realpath(dataDir))) return false;
  if (pidFile.port !== undefined) {
    for (const dir of new Set(socketDirs)) {
      const lockFile = join(dir, `.s.PGSQL.${pidFile.port}.lock`);
      if (await namesPid(lockFile, pidFile.pid)) await removeFileIfPresent(lockFile);
    }
  }
  const dataLock = join(dataDir, 'postmaster.pid');
  if (await namesPid(dataLock, pidFile.pid)) await removeFileIfPresent(dataLock);
  return true;
}
