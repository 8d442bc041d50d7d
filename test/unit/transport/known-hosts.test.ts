// known_hosts checking, held to OpenSSH's own ssh-keygen: its fingerprints, its hashed host
// names (`ssh-keygen -H`) and its `[host]:port` form.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, knownHostsLine, parseKnownHosts } from '../../../cli/transport/known-hosts.js';

const run = promisify(execFile);
let dir: string;
const keys: { type: string; blob: Buffer; publicLine: string }[] = [];

async function newKey(name: string): Promise<{ type: string; blob: Buffer; publicLine: string }> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
  const publicLine = (await readFile(join(dir, `${name}.pub`), 'utf8')).trim();
  const [type, base64] = publicLine.split(' ') as [string, string];
  return { type, blob: Buffer.from(base64, 'base64'), publicLine };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pgha-known-hosts-'));
  keys.push(await newKey('a'), await newKey('b'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('fingerprints a key as ssh-keygen -l does', async () => {
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'a.pub')]);
    expect(stdout.split(' ')[1]).toBe(fingerprint(keys[0]!.blob));
  });

  it('knows a recorded key, and tells an unknown host from a changed key', () => {
    const [a, b] = keys as [(typeof keys)[0], (typeof keys)[0]];
    const entries = parseKnownHosts(`# lab\n${knownHostsLine('10.0.0.1', 22, a.type, a.blob)}\n${knownHostsLine('db1', 2222, a.type, a.blob)}\n`);
    expect(checkHostKey(entries, '10.0.0.1', 22, a.type, a.blob)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, 'db1', 2222, a.type, a.blob)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, 'db1', 22, a.type, a.blob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, '10.0.0.2', 22, a.type, a.blob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, '10.0.0.1', 22, b.type, b.blob)).toEqual({ kind: 'changed', recordedAt: [2] });
  });

  it('matches the names ssh-keygen -H hashed', async () => {
    const [a, b] = keys as [(typeof keys)[0], (typeof keys)[0]];
    const file = join(dir, 'known_hosts');
    await writeFile(file, `${knownHostsLine('10.213.7.11', 22, a.type, a.blob)}\n${knownHostsLine('db1', 2222, b.type, b.blob)}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('10.213.7.11');
    const entries = parseKnownHosts(text);
    expect(checkHostKey(entries, '10.213.7.11', 22, a.type, a.blob)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, 'db1', 2222, b.type, b.blob)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, '10.213.7.12', 22, a.type, a.blob)).toEqual({ kind: 'unknown' });
  });

  it('honours wildcards, negations and @revoked, and ignores @cert-authority', () => {
    const [a, b] = keys as [(typeof keys)[0], (typeof keys)[0]];
    const body = (k: typeof a) => `${k.type} ${k.blob.toString('base64')}`;
    const entries = parseKnownHosts(
      [`*.db.example.com,!bad.db.example.com ${body(a)}`, `@revoked old.db.example.com ${body(b)}`, `@cert-authority *.example.com ${body(b)}`].join('\n'),
    );
    expect(checkHostKey(entries, 'pg1.db.example.com', 22, a.type, a.blob)).toEqual({ kind: 'known' });
    expect(checkHostKey(entries, 'bad.db.example.com', 22, a.type, a.blob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, 'old.db.example.com', 22, b.type, b.blob)).toEqual({ kind: 'revoked', line: 2 });
    expect(checkHostKey(entries, 'www.example.com', 22, b.type, b.blob)).toEqual({ kind: 'unknown' });
  });
});
