// Files the controller writes into the data directory: replaced atomically, mode 0600, owned by
// the PostgreSQL OS user (the agent may run as root; PostgreSQL must be able to read them).
import { chown, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { RunAs } from './process-runner.js';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Writes `text` unless the file already holds it; resolves whether the file changed. */
export async function writeOwnedFile(path: string, text: string, runAs?: RunAs): Promise<boolean> {
  if ((await readIfPresent(path)) === text) return false;
  const temporary = `${path}.pgha-new`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (runAs) await chown(temporary, runAs.uid, runAs.gid);
  await rename(temporary, path);
  return true;
}

/** Resolves whether there was a file to remove. */
export async function removeFileIfPresent(path: string): Promise<boolean> {
  if (!(await exists(path))) return false;
  await rm(path, { force: true });
  return true;
}
