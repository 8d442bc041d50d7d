// `pgha apply` from the command line down to the hosts, against fake hosts and a fake cluster:
// when it asks, when it refuses, and the apply lock, each ending with nothing written.
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../cli/exit-codes.js';
import type { FakeTransport } from '../../../cli/transport/fake-transport.js';
import { fakeWorld, labSpecFile, runningLabCluster } from '../../helpers/fake-world.js';

const CHANGES_A_HOST = new Set(['sh', 'mv', 'rm', 'install', 'apt-get', 'systemctl', 'timeout', 'etcdctl', 'modprobe', 'pg_ctlcluster']);

/** The commands that were not reads (a file read is `sh -c ... pgha-read`; systemctl reads are is-enabled, is-active, show). */
function writes(hosts: Map<string, FakeTransport>): string[] {
  return [...hosts.values()].flatMap((host) =>
    host.ran
      .map(({ argv }) => argv)
      .filter((argv) => CHANGES_A_HOST.has(argv[0]!) && argv[3] !== 'pgha-read' && !(argv[0] === 'systemctl' && ['is-enabled', 'is-active', 'show'].includes(argv[1]!)))
      .map((argv) => `${host.host}: ${argv.join(' ')}`),
  );
}

const OTHER = JSON.stringify({ holder: 'ci@elsewhere pid 1', commit: 'f'.repeat(40), since: '2026-11-23T00:00:00.000Z' });

describe('pgha apply against fakes', () => {
  it('with -input=false and no -auto-approve: refuses in one sentence before it asks, and writes nothing', async () => {
    const world = fakeWorld(labSpecFile());
    const { code, io } = await world.pgha(['apply', '-input=false', world.spec], 'yes');
    expect(code).toBe(ExitCode.failed);
    expect(io.stderr).toMatch(/^pgha: apply needs a confirmation and there is no terminal to ask on \(or --input=false was given\): pass --auto-approve/m);
    expect(writes(world.hosts)).toEqual([]);
  }, 60_000);

  it('asks on a terminal, and an answer other than "yes" cancels with nothing written', async () => {
    const world = fakeWorld(labSpecFile());
    const { code, io } = await world.pgha(['apply', world.spec], 'y');
    expect(code).toBe(ExitCode.failed);
    expect(io.stdout).toContain('Plan: ');
    expect(io.stderr).toContain('Apply cancelled; nothing was changed.');
    expect(writes(world.hosts)).toEqual([]);
  }, 60_000);

  it('stops while another apply holds the lock, naming it, once -lock-timeout has passed', async () => {
    const world = fakeWorld(labSpecFile(), runningLabCluster(OTHER));
    const started = Date.now();
    const { code, io } = await world.pgha(['apply', '-auto-approve', '-lock-timeout=2s', world.spec]);
    expect(code).toBe(ExitCode.failed);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(io.stderr).toContain('The apply lock is held by ci@elsewhere pid 1 (spec commit ffffffffffff) since 2026-11-23T00:00:00.000Z; waiting up to 2s for it...');
    expect(io.stderr).toMatch(/^pgha: the apply lock \/pgha\/lab\/lock is held by ci@elsewhere pid 1 .*; it was still held after --lock-timeout 2 s$/m);
    expect(world.cluster.state.etcd?.lock).toBe(OTHER);
    expect(writes(world.hosts)).toEqual([]);
  }, 60_000);

  it('plans again once it holds the lock, and stops when the other apply changed a host meanwhile, releasing the lock', async () => {
    const world = fakeWorld(labSpecFile(), runningLabCluster(OTHER));
    // The other apply writes haproxy.cfg on c2 and lets go of the lock while this one waits.
    const other = setTimeout(() => {
      world.hosts.get('c2')!.writeFile('/etc/haproxy/haproxy.cfg', 'written by the other apply\n');
      delete world.cluster.state.etcd!.lock;
    }, 1500);
    try {
      const { code, io } = await world.pgha(['apply', '-auto-approve', '-lock-timeout=30s', world.spec]);
      expect(io.stderr).toMatch(/^pgha: the cluster changed while this apply waited for its lock, so nothing was changed: c2\/file\/\/etc\/haproxy\/haproxy\.cfg changed since the plan read it\. Run it again$/m);
      expect(code).toBe(ExitCode.failed);
    } finally {
      clearTimeout(other);
    }
    expect(world.cluster.state.etcd?.lock).toBeUndefined();
    expect(writes(world.hosts)).toEqual([]);
  }, 60_000);

  it('goes on past a failed change with everything but what follows it: the failure, its dependents skipped, the rest done', async () => {
    const world = fakeWorld(labSpecFile(), runningLabCluster());
    await world.pgha(['plan', world.spec]);
    world.hosts.get('c2')!.failWhen((argv) => argv.includes('install') && argv.includes('haproxy'), { exitCode: 100, stdout: '', stderr: 'E: Unable to locate package haproxy\n' });
    const { code, io } = await world.pgha(['apply', '-auto-approve', '-json', world.spec]);
    expect(code).toBe(ExitCode.failed);
    const events = io.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; change?: { id: string }; error?: string; reason?: string; done?: number });
    const ended = (type: string) => events.filter((e) => e.type === type).map((e) => e.change!.id);
    expect(ended('failed')).toEqual(['c2/package/haproxy']);
    expect(events.find((e) => e.type === 'failed')?.error).toBe('c2: apt-get install haproxy failed (exit 100): E: Unable to locate package haproxy');
    expect(ended('skipped').sort()).toEqual(['c2/file//etc/haproxy/haproxy.cfg', 'c2/file//etc/haproxy/pgha-api-ca.crt', 'c2/service/haproxy.service']);
    expect(events.filter((e) => e.type === 'skipped').every((e) => e.reason === 'it follows c2/package/haproxy, which did not complete')).toBe(true);
    expect(ended('done')).toEqual(expect.arrayContaining(['c1/package/haproxy', 'c3/service/haproxy.service', 'c2/service/pgha-agent.service', 'cluster/dcs_config/config']));
    expect(world.hosts.get('c3')!.state.files.get('/etc/haproxy/haproxy.cfg')?.content).toContain('listen primary');
    expect(world.hosts.get('c2')!.state.files.has('/etc/haproxy/haproxy.cfg')).toBe(false);
    expect(world.cluster.state.etcd?.lock).toBeUndefined();
  }, 60_000);

  it('on Ctrl-C: says what stays, releases the apply lock, then ends with exit status 1', async () => {
    const world = fakeWorld(labSpecFile(), runningLabCluster());
    await world.pgha(['plan', world.spec]);
    let interrupted = false;
    world.hosts.get('c1')!.failWhen((argv) => {
      if (!interrupted && argv.includes('apt-get') && argv.includes('install')) {
        interrupted = true;
        expect(world.cluster.state.etcd?.lock).toBeDefined();
        world.interrupt();
      }
      return false;
    }, { exitCode: 0, stdout: '', stderr: '' });
    const { io } = await world.pgha(['apply', '-auto-approve', world.spec]);
    expect(interrupted).toBe(true);
    expect(io.stderr).toContain('pgha: SIGINT: stopping; changes already made stay, and the next plan shows what is left.');
    expect(world.exits).toEqual([{ code: ExitCode.failed, lockFree: true }]);
  }, 60_000);

  it('refuses a saved plan once a host changed after it was made, naming what changed, with nothing written', async () => {
    const world = fakeWorld(labSpecFile(), runningLabCluster());
    // An apply that goes no further than creating the cluster CA, so that a plan can be saved.
    await world.pgha(['apply', '-input=false', world.spec]);
    const saved = join(dirname(world.spec), 'lab.plan');
    expect((await world.pgha(['plan', `-out=${saved}`, world.spec])).code).toBe(ExitCode.ok);
    world.hosts.get('c3')!.writeFile('/etc/default/etcd', 'ETCD_NAME=by-hand\n');
    const { code, io } = await world.pgha(['apply', saved]);
    expect(io.stderr).toMatch(/^pgha: the saved plan .*lab\.plan is stale, so nothing was changed: c3\/file\/\/etc\/default\/etcd changed since the plan read it\. Run "pgha plan" again$/m);
    expect(code).toBe(ExitCode.failed);
    expect(writes(world.hosts)).toEqual([]);
    expect(world.cluster.state.etcd?.lock).toBeUndefined();
  }, 60_000);
});
