import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digester } from '../../../cli/engine/digest.js';
import { digestKeyPath, loadDigestKey } from '../../../cli/plan/digest-key.js';
import { useTempDir } from '../../helpers/temp-dir.js';

describe('the digest key', () => {
  const dir = useTempDir('pgha-digest-key-');

  it('lives in the user\'s state directory, or where PGHA_DIGEST_KEY_FILE says', () => {
    expect(digestKeyPath({ HOME: '/home/ann' })).toBe('/home/ann/.local/state/pgha/digest.key');
    expect(digestKeyPath({ HOME: '/home/ann', XDG_STATE_HOME: '/state' })).toBe('/state/pgha/digest.key');
    expect(digestKeyPath({ XDG_STATE_HOME: '/state', PGHA_DIGEST_KEY_FILE: '/ci/key' })).toBe('/ci/key');
  });

  it('is made on first use, readable by its owner only, and the same ever after', async () => {
    const env = { XDG_STATE_HOME: join(dir(), 'state') };
    const key = await loadDigestKey(env);
    const path = join(dir(), 'state', 'pgha', 'digest.key');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir(), 'state', 'pgha'))).mode & 0o777).toBe(0o700);
    expect(key.length).toBe(64);
    expect(await loadDigestKey(env)).toEqual(key);
    expect((await readFile(path, 'utf8')).trimEnd()).toBe(key.toString());
  });

  it('is read from a file CI gives, so plan and apply on two machines share their digests', async () => {
    const file = join(dir(), 'ci.key');
    await writeFile(file, `${'k'.repeat(40)}\n`);
    const key = await loadDigestKey({ PGHA_DIGEST_KEY_FILE: file });
    expect(key.toString()).toBe('k'.repeat(40));
    expect(digester(key).of({ a: 1 })).toBe(digester(await loadDigestKey({ PGHA_DIGEST_KEY_FILE: file })).of({ a: 1 }));
  });

  it('refuses a key too short to guard anything, or a file that is not a regular one', async () => {
    const short = join(dir(), 'short.key');
    await writeFile(short, 'tiny\n');
    await expect(loadDigestKey({ PGHA_DIGEST_KEY_FILE: short })).rejects.toThrow(`the digest key file ${short} holds 4 bytes; it needs at least 32 (e.g. "openssl rand -hex 32 > ${short}")`);
    const folder = join(dir(), 'a-folder');
    await mkdir(folder);
    await expect(loadDigestKey({ PGHA_DIGEST_KEY_FILE: folder })).rejects.toThrow(`the digest key file ${folder} is a directory, not a regular file`);
  });
});

describe('keyed digests', () => {
  it('differ by key, and the key id reveals no digest', () => {
    const one = digester(Buffer.alloc(32, 1));
    const two = digester(Buffer.alloc(32, 2));
    expect(one.of({ password: 'guess' })).not.toBe(two.of({ password: 'guess' }));
    expect(one.keyId).not.toBe(two.keyId);
    expect(one.keyId).toMatch(/^[0-9a-f]{64}$/);
  });
});
