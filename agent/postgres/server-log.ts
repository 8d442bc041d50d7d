// The file pg_ctl sends the server's output to. It lives beside the data directory, not inside,
// so pg_basebackup and pg_rewind neither copy it between members nor overwrite it.
import { chown, open } from 'node:fs/promises';
import type { RunAs } from './process-runner.js';

export function defaultServerLog(dataDir: string): string {
  // A loop rather than /\/+$/, which takes quadratic time on a long run of "/" not at the end.
  let end = dataDir.length;
  while (end > 0 && dataDir[end - 1] === '/') end--;
  return `${dataDir.slice(0, end)}.log`;
}

/** Creates the log if needed and hands it to the PostgreSQL user, who appends to it. */
export async function prepareServerLog(path: string, runAs?: RunAs): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  await handle.close();
  if (runAs) await chown(path, runAs.uid, runAs.gid);
}

/** The last `bytes` of the log, for error messages. */
export async function serverLogTail(path: string, bytes = 4096): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    return `(cannot read ${path}: ${(error as Error).message})`;
  }
}
