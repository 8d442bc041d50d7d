// Files and documents an attacker (or a slip of the keyboard) can hand pgha: a spec or a secret
// that is a FIFO, /dev/zero, an oversized file or a link to /etc/shadow; YAML that expands or
// nests without end; values with a line break bound for a line-oriented file. Each is one clear
// sentence and exit 1 (never 3, never a hang), and nothing of the file's content is echoed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../../agent/config/load-agent-config.js';
import { Secrets } from '../../../cli/desired/secrets.js';
import { ExitCode } from '../../../cli/exit-codes.js';
import { runCli } from '../../../cli/run-cli.js';
import { connectHosts } from '../../../cli/transport/host-connections.js';
import { UserError } from '../../../cli/user-error.js';
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';
import { projectPath } from '../../helpers/paths.js';
import { recordingIo } from '../../helpers/recording-io.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const LAB = readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8');
const SHADOW_LIKE = 'root:$6$Sh4d0wSalt$Sh4d0wHashSh4d0wHash:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n';

describe('hostile input: files and documents', () => {
  const dir = useTempDir('pgha-hostile-');
  const path = (name: string): string => join(dir(), name);

  async function validate(file: string): Promise<{ code: number; stderr: string; stdout: string }> {
    const io = recordingIo();
    const code = await runCli(['validate', file], io);
    return { code, stderr: io.stderr, stdout: io.stdout };
  }

  function write(name: string, text: string): string {
    writeFileSync(path(name), text);
    return path(name);
  }

  /** The lab spec with `value` set at `keys`. */
  const labWith = (keys: string[], value: unknown): string => {
    const doc = parseDocument(LAB);
    doc.setIn(keys, value);
    return doc.toString();
  };

  describe('a spec that is not a regular file of at most 1 MiB', () => {
    it.each([
      ['a FIFO', () => (execFileSync('mkfifo', [path('fifo.yaml')]), path('fifo.yaml')), 'is a named pipe (FIFO), not a regular file'],
      ['/dev/zero', () => '/dev/zero', 'is a character device, not a regular file'],
      ['a directory', () => dir(), 'is a directory, not a regular file'],
      ['an oversized file', () => write('big.yaml', `# ${'x'.repeat(1024 * 1024)}\n`), 'is larger than 1 MiB, the limit for this file'],
      ['a missing file', () => path('absent.yaml'), 'no such file'],
    ])('%s: one sentence, exit 1', async (_what, make, problem) => {
      const file = make();
      for (const command of ['validate', 'plan', 'apply']) {
        const io = recordingIo();
        expect(await runCli([command, file], io)).toBe(ExitCode.failed);
        expect(io.stderr).toBe(`pgha: ${file}: ${problem}\n`);
      }
    });

    it.each([
      ['a link to a shadow-like file', () => (write('shadow', SHADOW_LIKE), symlinkSync(path('shadow'), path('shadow-link.yaml')), path('shadow-link.yaml'))],
      ['a link to /etc/shadow', () => (symlinkSync('/etc/shadow', path('etc-shadow.yaml')), path('etc-shadow.yaml'))],
    ])('%s: exit 1, nothing of its content echoed', async (_what, make) => {
      const file = make();
      if (!existsSync(file)) return;
      const { code, stderr, stdout } = await validate(file);
      expect(code).toBe(ExitCode.failed);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      const content = file.endsWith('etc-shadow.yaml') ? readFileSync('/etc/shadow', 'utf8') : SHADOW_LIKE;
      for (const field of content.split(/[\n:]/).filter((f) => f.length >= 4)) expect(stderr + stdout).not.toContain(field);
    });
  });

  describe('a secret or the agent configuration that is not a regular file', () => {
    it.each([
      ['a FIFO', () => (execFileSync('mkfifo', [path('secret-fifo')]), path('secret-fifo')), 'is a named pipe (FIFO), not a regular file'],
      ['/dev/zero', () => '/dev/zero', 'is a character device, not a regular file'],
      ['an oversized file', () => write('big-secret', 'x'.repeat(1024 * 1024 + 1)), 'is larger than 1 MiB'],
    ])('%s', (_what, make, problem) => {
      const file = make();
      const secrets = new Secrets({ specDirectory: dir(), env: {} });
      expect(() => secrets.resolve({ file }, 'agent.auth.password')).toThrow(UserError);
      expect(() => secrets.resolve({ file }, 'agent.auth.password')).toThrow(`agent.auth.password: the secret file ${file} ${problem}`);
      expect(() => loadAgentConfig(file)).toThrow(`${file}: ${problem}`);
    });
  });

  it.each([
    ['identity_file', 'the SSH key'],
    ['known_hosts', 'the known_hosts file'],
  ])('an SSH %s that is a FIFO: one sentence before any connection', async (setting, what) => {
    const fifo = path(`${setting}-fifo`);
    execFileSync('mkfifo', [fifo]);
    const ssh = { user: 'root', port: 9, connect_timeout: 1, use_agent: false, sudo: false, identity_file: write('id_key', 'not a key\n'), known_hosts: path('known_hosts'), [setting]: fifo };
    const spec = { hosts: [{ name: 'db1', address: '127.0.0.1', roles: ['postgres'] }], ssh } as unknown as ClusterSpec;
    await expect(connectHosts(spec, { specDirectory: dir(), acceptNewHostKeys: false, parallelism: 1 })).rejects.toThrow(`${what} ${fifo}: is a named pipe (FIFO), not a regular file`);
  });

  describe('YAML that expands or nests without end', () => {
    const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');

    it.each([
      ['an alias bomb', ALIAS_BOMB, ':2:8: invalid YAML: the aliases (*name) in this file expand to too much data (more than 100 expansions) [yaml]'],
      ['an alias without an anchor', 'apiVersion: pgha/v1\nkind: *nothing\n', ':2:7: invalid YAML: this alias (*name) refers to no anchor (&name) set before it [yaml]'],
      ['30,000 nested lists', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, 'invalid YAML: the document is nested too deeply [yaml]'],
      ['30,000 nested mappings', `${'{a: '.repeat(30_000)}${'}'.repeat(30_000)}`, 'invalid YAML: the document is nested too deeply [yaml]'],
      ['20,000 compact mappings in one line', `hosts:\n  - { name: db2, address: 1${': '.repeat(20_000)}}\n`, ':1:1: invalid YAML: the document is nested too deeply [yaml]'],
      ['a repeated key', 'apiVersion: pgha/v1\nkind: Cluster\nkind: Cluster\n', ':3:1: invalid YAML: this key appears earlier in the same mapping; each key may appear once [yaml]'],
    ])('%s: exit 1 with a position', async (_what, text, message) => {
      const file = write('doc.yaml', text);
      const { code, stderr } = await validate(file);
      expect(code).toBe(ExitCode.failed);
      expect(stderr).toContain(message);
      expect(stderr).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
    });

    it('reports the first syntax errors of a file full of them, and how many more there are', async () => {
      const { code, stderr } = await validate(write('commas.yaml', `[${','.repeat(100_000)}]`));
      expect(code).toBe(ExitCode.failed);
      expect(stderr.trimEnd().split('\n')).toHaveLength(21);
      expect(stderr).toContain('invalid YAML: 99980 more problems not shown [yaml]');
    });

    it('checks a 1 MiB spec of distinct keys in linear time', async () => {
      const keys = Array.from({ length: 70_000 }, (_, i) => `k${i}: ${i}`).join('\n');
      const started = performance.now();
      const { code, stderr } = await validate(write('keys.yaml', `apiVersion: pgha/v1\nkind: Cluster\n${keys}\n`));
      expect(code).toBe(ExitCode.failed);
      expect(stderr).toContain('unknown key "k69999" at the top level');
      expect(performance.now() - started).toBeLessThan(15_000);
    }, 30_000);
  });

  describe('values bound for a line-oriented file', () => {
    it.each([
      [['dcs', 'postgresql', 'parameters', 'work_mem'], '1MB\nssl=on', 'dcs.postgresql.parameters.work_mem must be a single line (no line break or NUL character), got the string "1MB\\nssl=on" [line]'],
      [['etcd', 'data_dir'], '/var/lib/etcd\nETCD_NAME=evil', 'etcd.data_dir must be an absolute path, got the string "/var/lib/etcd\\nETCD_NAME=evil" [path]'],
      [['postgres', 'pg_hba'], ['host all all 0.0.0.0/0 scram-sha-256\nhost all all 0.0.0.0/0 trust'], 'postgres.pg_hba[0] must be a single line (no line break or NUL character)'],
      [['agent', 'auth', 'username'], 'pgha\0root', 'agent.auth.username must be a single line (no line break or NUL character)'],
    ])('%j with a line break or NUL is refused with its position', async (keys, value, message) => {
      const { code, stderr } = await validate(write('newline.yaml', labWith(keys, value)));
      expect(code).toBe(ExitCode.failed);
      expect(stderr).toMatch(new RegExp(`^${path('newline.yaml')}:\\d+:\\d+: `));
      expect(stderr).toContain(message);
    });
  });

  it('quotes at most 80 characters of a value in a message', async () => {
    const key = `x${'y'.repeat(100_000)}`;
    const { code, stderr } = await validate(write('long-key.yaml', labWith([key.slice(0, 1000)], 1)));
    expect(code).toBe(ExitCode.failed);
    expect(stderr).toContain(`unknown key "x${'y'.repeat(79)}"... (1000 characters) at the top level`);
    expect(stderr).not.toContain('y'.repeat(81));
  });
});
