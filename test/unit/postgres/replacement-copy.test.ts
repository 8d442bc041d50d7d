// A new copy swapped in beside the old data: every point where the agent can die leaves a state
// that the next start finishes (or undoes, before the copy is complete), never a mix of both.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishReplacement, markNewCopyComplete, newCopyDirectory, replacementLeftBehind } from '../../../agent/postgres/replacement-copy.js';

let dataDir: string;

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(found, await tree(path, `${prefix}${entry.name}/`));
    else found[`${prefix}${entry.name}`] = await readFile(path, 'utf8');
  }
  return found;
}

const OLD = { PG_VERSION: '15', 'global/pg_control': 'old control', 'base/1/1': 'old page' };
const NEW = { PG_VERSION: '15', 'global/pg_control': 'new control', 'base/1/1': 'new page', backup_label: 'label' };

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pgha-replacement-'));
  await writeTree(dataDir, OLD);
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('a new copy built beside the data directory', () => {
  it('is swapped in whole once complete, leaving nothing of its own behind', async () => {
    await writeTree(newCopyDirectory(dataDir), NEW);
    await markNewCopyComplete(dataDir);
    expect(await replacementLeftBehind(dataDir)).toBe(true);
    expect(await finishReplacement(dataDir)).toBe(true);
    expect(await tree(dataDir)).toEqual(NEW);
    expect(await replacementLeftBehind(dataDir)).toBe(false);
  });

  it('is dropped when it was cut short before it was complete, and the old data stays', async () => {
    await writeTree(newCopyDirectory(dataDir), { PG_VERSION: '15', 'base/1/1': 'half a copy' });
    expect(await finishReplacement(dataDir)).toBe(false);
    expect(await tree(dataDir)).toEqual(OLD);
  });

  it('is finished when the old entries were being moved aside', async () => {
    await writeTree(newCopyDirectory(dataDir), NEW);
    await markNewCopyComplete(dataDir);
    await mkdir(join(dataDir, '.pgha-old-copy'));
    await writeTree(join(dataDir, '.pgha-old-copy'), { PG_VERSION: '15' });
    await rm(join(dataDir, 'PG_VERSION'));
    expect(await finishReplacement(dataDir)).toBe(true);
    expect(await tree(dataDir)).toEqual(NEW);
  });

  it('is finished when the new entries were being moved up', async () => {
    await rm(join(dataDir, 'global'), { recursive: true });
    await rm(join(dataDir, 'base'), { recursive: true });
    await rm(join(dataDir, 'PG_VERSION'));
    await writeTree(join(dataDir, '.pgha-old-copy'), { ...OLD, '.pgha-moved-aside': '' });
    await writeTree(newCopyDirectory(dataDir), { 'base/1/1': 'new page', backup_label: 'label', '.pgha-complete': '' });
    await writeTree(dataDir, { PG_VERSION: '15', 'global/pg_control': 'new control' });
    expect(await finishReplacement(dataDir)).toBe(true);
    expect(await tree(dataDir)).toEqual(NEW);
  });

  it('cleans up when only the removals were cut short', async () => {
    await rm(dataDir, { recursive: true });
    await writeTree(dataDir, { ...NEW, '.pgha-old-copy/.pgha-moved-aside': '', '.pgha-old-copy/base/1/1': 'old page' });
    await mkdir(newCopyDirectory(dataDir));
    expect(await finishReplacement(dataDir)).toBe(false);
    expect(await tree(dataDir)).toEqual(NEW);
  });
});
