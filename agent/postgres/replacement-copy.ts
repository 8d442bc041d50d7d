// A new copy of the data is built beside the old one, inside the data directory (which may be a
// mount point, so it cannot be renamed), and swapped in only once it is complete. Every step
// leaves a mark, so a swap cut short (the agent killed, the host reset) is finished at the next
// start, and an unfinished copy is dropped while the old data stays where it is:
//   1. the copy is built in NEW_COPY; COMPLETE is written into it when it is whole;
//   2. the old entries move into OLD_COPY; MOVED_ASIDE is written into it when they all have;
//   3. the new entries move up from NEW_COPY; then NEW_COPY and OLD_COPY go.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists } from './owned-file.js';

const NEW_COPY = '.pgha-new-copy';
const OLD_COPY = '.pgha-old-copy';
const COMPLETE = '.pgha-complete';
const MOVED_ASIDE = '.pgha-moved-aside';

/** Entries of a data directory that are the swap's own, not PostgreSQL's. */
export const REPLACEMENT_ENTRIES: ReadonlySet<string> = new Set([NEW_COPY, OLD_COPY]);

export function newCopyDirectory(dataDir: string): string {
  return join(dataDir, NEW_COPY);
}

async function moveEntries(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  for (const entry of await readdir(from)) if (!skip.has(entry)) await rename(join(from, entry), join(to, entry));
}

async function removeNewCopy(dataDir: string): Promise<void> {
  await rm(newCopyDirectory(dataDir), { recursive: true, force: true });
}

/** Marks the new copy whole: from here on, a cut-short swap is finished rather than undone. */
export async function markNewCopyComplete(dataDir: string): Promise<void> {
  await writeFile(join(newCopyDirectory(dataDir), COMPLETE), '');
}

/** Swaps the complete new copy in, or finishes a swap cut short; drops an incomplete copy. Resolves whether data was swapped. */
export async function finishReplacement(dataDir: string): Promise<boolean> {
  const newCopy = newCopyDirectory(dataDir);
  const oldCopy = join(dataDir, OLD_COPY);
  const [hasNew, complete, movedAside] = await Promise.all([exists(newCopy), exists(join(newCopy, COMPLETE)), exists(join(oldCopy, MOVED_ASIDE))]);
  if (!hasNew || (!complete && movedAside)) {
    // Step 3 ended (COMPLETE is the last entry of the new copy); only the removals were cut short.
    await removeNewCopy(dataDir);
    await rm(oldCopy, { recursive: true, force: true });
    return false;
  }
  if (!complete) {
    await removeNewCopy(dataDir);
    return false;
  }
  if (!movedAside) {
    await mkdir(oldCopy, { recursive: true, mode: 0o700 });
    await moveEntries(dataDir, oldCopy, REPLACEMENT_ENTRIES);
    await writeFile(join(oldCopy, MOVED_ASIDE), '');
  }
  await moveEntries(newCopy, dataDir, new Set([COMPLETE]));
  await removeNewCopy(dataDir);
  await rm(oldCopy, { recursive: true, force: true });
  return true;
}

/** Whether a replacement was left behind in `dataDir` (cheap: two stats). */
export async function replacementLeftBehind(dataDir: string): Promise<boolean> {
  return (await exists(newCopyDirectory(dataDir))) || (await exists(join(dataDir, OLD_COPY)));
}
