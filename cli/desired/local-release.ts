// The agent release this CLI carries (esbuild's dist/agent/bin): its SHA256SUMS, whose own digest
// names the release, and a .tar.gz of the folder with that list inside, to upload.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../user-error.js';

const run = promisify(execFile);

export interface LocalRelease {
  version: string;
  digest: string;
  archive(): Promise<Buffer>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export async function localRelease(bundleDir: string, version: string): Promise<LocalRelease> {
  let files: string[];
  try {
    files = (await filesUnder(bundleDir)).filter((f) => f !== 'SHA256SUMS');
  } catch {
    throw new UserError(`the agent bundle ${bundleDir} is missing; run "npm run build"`);
  }
  if (!files.includes('pgha-agent.mjs')) throw new UserError(`the agent bundle ${bundleDir} has no pgha-agent.mjs; run "npm run build"`);
  const lines = await Promise.all(files.map(async (f) => `${createHash('sha256').update(await readFile(join(bundleDir, f))).digest('hex')}  ${f}\n`));
  const sums = lines.join('');
  const digest = createHash('sha256').update(sums).digest('hex');
  let archive: Promise<Buffer> | undefined;
  const build = async (): Promise<Buffer> => {
    const staging = await mkdtemp(join(tmpdir(), 'pgha-release-'));
    try {
      await writeFile(join(staging, 'SHA256SUMS'), sums);
      const { stdout } = await run('tar', ['-cz', '-C', bundleDir, ...files, '-C', staging, 'SHA256SUMS'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
      return stdout;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  };
  return { version, digest, archive: () => (archive ??= build()) };
}
