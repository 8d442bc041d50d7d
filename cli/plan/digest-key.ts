// The key of a plan's digests: random, made on first use in the user's state directory (mode 0600),
// and never written anywhere else. A saved plan is checked with the key it was made with, so plan
// and apply on different machines (CI) share one key file through PGHA_DIGEST_KEY_FILE.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBoundedFile } from '../../agent/contract/document/bounded-file.js';
import { UserError } from '../user-error.js';

export const DIGEST_KEY_ENV = 'PGHA_DIGEST_KEY_FILE';

const MIN_BYTES = 32;
const MAX_BYTES = 4096;

export function digestKeyPath(env: NodeJS.ProcessEnv): string {
  if (env[DIGEST_KEY_ENV]) return env[DIGEST_KEY_ENV];
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'pgha', 'digest.key');
}

function existingKey(path: string): Buffer | undefined {
  const read = readBoundedFile(path, MAX_BYTES);
  if (!read.ok) {
    if (read.code === 'ENOENT') return undefined;
    throw new UserError(`the digest key file ${path} ${read.problem}`);
  }
  const key = read.bytes.toString('latin1').replace(/\r?\n$/, '');
  if (key.length < MIN_BYTES) throw new UserError(`the digest key file ${path} holds ${key.length} bytes; it needs at least ${MIN_BYTES} (e.g. "openssl rand -hex 32 > ${path}")`);
  return Buffer.from(key, 'latin1');
}

/** The key at digestKeyPath(env), made there first when there is none. */
export async function loadDigestKey(env: NodeJS.ProcessEnv): Promise<Buffer> {
  const path = digestKeyPath(env);
  const existing = existingKey(path);
  if (existing) return existing;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another pgha made it first: use that one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create the digest key file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); set ${DIGEST_KEY_ENV} to a file pgha may create or read`);
  }
  return existingKey(path)!;
}
