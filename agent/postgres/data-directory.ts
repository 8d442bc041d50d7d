// The data directory as a whole: is there one, is it empty, make it ready for initdb or a clone,
// wipe it. Its mode is 0700 and it belongs to the PostgreSQL OS user, or PostgreSQL refuses it.
import { chmod, chown, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostgresObservation } from './postgres-controller.js';
import type { RunAs } from './process-runner.js';

/** A file system's own directory at the top of a mount point; not part of the data. */
const MOUNT_POINT_ENTRIES = new Set(['lost+found']);

async function dataEntries(dir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(dir)).filter((entry) => !MOUNT_POINT_ENTRIES.has(entry));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function dataDirectoryState(dir: string): Promise<PostgresObservation['dataDirectory']> {
  const entries = await dataEntries(dir);
  if (entries === undefined) return 'missing';
  return entries.length === 0 ? 'empty' : 'initialized';
}

/** Creates the directory if needed; refuses one that holds anything. */
export async function prepareEmptyDataDirectory(dir: string, runAs?: RunAs): Promise<void> {
  if ((await dataDirectoryState(dir)) === 'initialized') throw new Error(`data directory ${dir} is not empty`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
}

/** Removes everything inside the directory, keeping the directory itself (it may be a mount point). */
export async function emptyDataDirectory(dir: string): Promise<void> {
  for (const entry of (await dataEntries(dir)) ?? []) await rm(join(dir, entry), { recursive: true, force: true });
}
