import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../cli/exit-codes.js';
import { runCli } from '../../../cli/run-cli.js';
import { projectPath } from '../../helpers/paths.js';
import { recordingIo } from '../../helpers/recording-io.js';

const EXAMPLE = projectPath('inventories/example/cluster.yaml');
const BAD = projectPath('test/fixtures/specs/bad/timing-rule.yaml');
const TYPO = projectPath('test/fixtures/specs/bad/unknown-top-level-key.yaml');

describe('pgha validate', () => {
  it('prints a one-line summary on stdout and exits 0 for a valid spec', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', EXAMPLE], io)).toBe(ExitCode.ok);
    expect(io.stdout).toBe(
      `${EXAMPLE}: valid: cluster "orders" (namespace /service), 8 hosts (postgres: pg1, pg2, pg3; etcd: etcd1, etcd2, etcd3; haproxy: lb1, lb2)\n`,
    );
    expect(io.stderr).toBe('');
  });

  it('prints every problem on stderr as FILE:LINE:COL and exits 1', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', EXAMPLE, TYPO], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe(
      `${TYPO}:2:1: missing required key "postgres" [required]\n` +
        `${TYPO}:10:1: unknown key "postgress" at the top level; did you mean "postgres"? [unknown-key]\n`,
    );
    expect(io.stdout).toContain('valid: cluster "orders"');
  });

  it('colours only when asked to', async () => {
    const plain = recordingIo(false);
    await runCli(['validate', BAD], plain);
    expect(plain.stderr).not.toContain('\u001b[');
    const coloured = recordingIo(true);
    await runCli(['validate', BAD], coloured);
    expect(coloured.stderr).toContain(`\u001b[1m${BAD}:15:8:\u001b[22m`);
  });

  it('prints JSON on stdout only, with --json', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '--json', EXAMPLE, BAD], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe('');
    const results = JSON.parse(io.stdout) as unknown[];
    expect(results).toEqual([
      {
        file: EXAMPLE,
        ref: null,
        commit: null,
        valid: true,
        cluster: 'orders',
        namespace: '/service',
        hosts: { postgres: ['pg1', 'pg2', 'pg3'], etcd: ['etcd1', 'etcd2', 'etcd3'], haproxy: ['lb1', 'lb2'] },
        diagnostics: [],
      },
      {
        file: BAD,
        ref: null,
        commit: null,
        valid: false,
        diagnostics: [
          {
            file: BAD,
            severity: 'error',
            line: 15,
            column: 8,
            rule: 'timing',
            message:
              'dcs.loop_wait (2) + 2 * dcs.retry_timeout (5) = 12 exceeds dcs.ttl (10): the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout',
          },
        ],
      },
    ]);
  });

  it('says plainly when a file does not exist', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '/nonexistent/cluster.yaml'], io)).toBe(ExitCode.failed);
    expect(io.stderr).toBe('pgha: /nonexistent/cluster.yaml: no such file\n');
  });
});

describe('pgha usage errors', () => {
  it('suggests the command meant', async () => {
    const io = recordingIo();
    expect(await runCli(['valdate', EXAMPLE], io)).toBe(ExitCode.failed);
    expect(io.stderr).toContain('Did you mean validate?');
  });

  it('refuses an unknown flag', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', EXAMPLE, '--frobnicate'], io)).toBe(ExitCode.failed);
    expect(io.stderr).toContain('Unknown argument: frobnicate');
  });

  it('asks for a command', async () => {
    const io = recordingIo();
    expect(await runCli([], io)).toBe(ExitCode.failed);
    expect(io.stderr).toContain('Name a command.');
  });

  it('prints help on stdout and exits 0', async () => {
    const io = recordingIo();
    expect(await runCli(['validate', '--help'], io)).toBe(ExitCode.ok);
    expect(io.stdout).toContain('pgha validate --ref origin/main cluster.yaml');
    expect(io.stderr).toBe('');
  });

  it('lists the operator commands, each with examples', async () => {
    const io = recordingIo();
    expect(await runCli(['--help'], io)).toBe(ExitCode.ok);
    for (const command of ['status', 'switchover', 'failover', 'pause', 'resume', 'restart', 'reinit', 'history', 'dsn', 'drill']) {
      expect(io.stdout).toMatch(new RegExp(`pgha ${command} <spec>`));
      const help = recordingIo();
      expect(await runCli([command, '--help'], help)).toBe(ExitCode.ok);
      expect(help.stdout).toContain('Examples:');
    }
  });

  it('prints the connection strings of a spec without reaching any host', async () => {
    const io = recordingIo();
    expect(await runCli(['dsn', '--json', projectPath('inventories/example/cluster.yaml')], io)).toBe(ExitCode.ok);
    const strings = JSON.parse(io.stdout) as { libpq: string; uri: string; haproxy: string[] };
    expect(strings.libpq).toMatch(/^host=[^ ]+,[^ ]+ port=\d+,\d+.* dbname=postgres target_session_attrs=read-write$/);
    expect(strings.haproxy.length).toBeGreaterThan(0);
  });

  it('refuses an operator command on a cluster never built from here, in one sentence', async () => {
    const io = recordingIo();
    expect(await runCli(['status', projectPath('inventories/example/cluster.yaml')], io)).toBe(ExitCode.failed);
    expect(io.stderr).toMatch(/^pgha: .* do not exist: this cluster was not built from here yet \(run "pgha apply .*"\), or its \.pgha directory was not copied to this machine\n$/);
  });
});
