// pgha as a user gets it: `npm pack` of this tree (already built), then `npm install -g` of that
// tarball into a prefix of its own, outside the source tree.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from './paths.js';

const run = promisify(execFile);

export interface InstalledPgha {
  /** The `pgha` command the install put on its PATH. */
  bin: string;
  tarball: string;
  remove(): Promise<void>;
}

export async function installPackedPgha(): Promise<InstalledPgha> {
  const dir = await mkdtemp(join(tmpdir(), 'pgha-install-'));
  try {
    // --ignore-scripts: the tree is built already (npm test builds first); pack only.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: projectPath('.'), timeout: 120_000 });
    const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);
    const prefix = join(dir, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir, timeout: 300_000 });
    return { bin: join(prefix, 'bin/pgha'), tarball, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
