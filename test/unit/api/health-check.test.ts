import { describe, expect, it } from 'vitest';
import { healthCheckStatus } from '../../../agent/api/health-check.js';
import type { NodeState } from '../../../agent/ha/node-state.js';
import { clusterWithConfig, NOW, primaryState, replicaState } from '../../helpers/api-node-state.js';
import { SETTINGS } from '../../helpers/ha-snapshot.js';

function check(state: NodeState, target: string, method = 'GET'): number {
  const [path = '/', query = ''] = target.split('?');
  return healthCheckStatus(method, path, new URLSearchParams(query), state, NOW);
}

const TAGS = { mytag: 'abc' };
const primary = primaryState({ tags: TAGS });
const replica = replicaState({ tags: TAGS });

describe('health checks: the status matrix of a three-member asynchronous cluster', () => {
  // [path, primary, replica]
  const matrix: [string, number, number][] = [
    ['/', 200, 503],
    ['/primary', 200, 503],
    ['/master', 200, 503],
    ['/read-write', 200, 503],
    ['/leader', 200, 503],
    ['/leaderfoo', 200, 503],
    ['/standby-leader', 503, 503],
    ['/standby_leader', 503, 503],
    ['/replica', 503, 200],
    ['/replica?lag=1MB', 503, 200],
    ['/replica?tag_mytag=abc', 503, 200],
    ['/replica?tag_mytag=x', 503, 503],
    ['/replication', 503, 200],
    ['/read-only', 200, 200],
    ['/sync', 503, 503],
    ['/synchronous', 503, 503],
    ['/quorum', 503, 503],
    ['/async', 503, 200],
    ['/asynchronous', 503, 200],
    ['/read-only-sync', 200, 503],
    ['/read-only-synchronous', 200, 503],
    ['/read-only-quorum', 200, 503],
    ['/health', 200, 200],
    ['/liveness', 200, 200],
    ['/readiness', 200, 200],
    ['/patroni', 503, 503],
    ['/nonexistent', 503, 503],
    ['/primary?tag_mytag=x', 200, 503],
  ];

  it.each(matrix)('GET %s: primary %i, replica %i', (path, onPrimary, onReplica) => {
    expect([check(primary, path), check(replica, path)]).toEqual([onPrimary, onReplica]);
  });

  const generic = matrix.filter(([path]) => !path.startsWith('/liveness') && !path.startsWith('/readiness'));
  it.each(generic)('HEAD and OPTIONS %s give the GET code', (path, onPrimary, onReplica) => {
    for (const method of ['HEAD', 'OPTIONS']) expect([check(primary, path, method), check(replica, path, method)]).toEqual([onPrimary, onReplica]);
  });

  it.each(['/liveness', '/readiness', '/patroni', '/cluster', '/history', '/config', '/metrics'])('HEAD and OPTIONS %s fall into the generic check: 503', (path) => {
    for (const method of ['HEAD', 'OPTIONS']) expect([check(primary, path, method), check(replica, path, method)]).toEqual([503, 503]);
  });
});

describe('health checks: leadership', () => {
  it('counts a member as leader only while its lease belief lasts', () => {
    expect(check(primaryState({ leaderUntil: NOW + 1 }), '/primary')).toBe(200);
    expect(check(primaryState({ leaderUntil: NOW }), '/primary')).toBe(503);
    expect(check(primaryState({ leaderUntil: undefined }), '/leader')).toBe(503);
  });

  it('answers the leader from its lease even when the DCS view is stale', () => {
    expect(check(primaryState({ clusterReadAt: NOW - 60_000 }), '/primary')).toBe(200);
    expect(check(primaryState({ clusterReadAt: undefined }), '/leader')).toBe(200);
  });

  it('in a paused cluster without a DCS view, trusts the PostgreSQL role', () => {
    const paused = { settings: { ...SETTINGS, pause: true }, clusterReadAt: NOW - SETTINGS.ttlMs };
    const lostPrimary = primaryState({ ...paused, leaderUntil: undefined });
    expect([check(lostPrimary, '/primary'), check(lostPrimary, '/leader'), check(lostPrimary, '/standby-leader')]).toEqual([200, 200, 503]);
    const pausedReplica = replicaState(paused);
    expect([check(pausedReplica, '/primary'), check(pausedReplica, '/replica')]).toEqual([503, 200]);
    expect(check(primaryState({ leaderUntil: undefined, settings: paused.settings }), '/primary')).toBe(503);
  });

  it('in a standby cluster, the leader is a standby_leader and no member is a primary', () => {
    const config = clusterWithConfig({ standby_cluster: { host: '10.0.0.9', port: 5432 } });
    const standbyLeader = replicaState({ name: 'pg1', leaderUntil: NOW + 5000, cluster: config });
    expect(['/standby-leader', '/standby_leader', '/leader', '/primary', '/replica', '/read-only'].map((p) => check(standbyLeader, p))).toEqual([200, 200, 200, 503, 503, 200]);
    const standbyReplica = replicaState({ cluster: config });
    expect(['/standby-leader', '/leader', '/replica', '/read-only'].map((p) => check(standbyReplica, p))).toEqual([503, 503, 200, 200]);
  });
});

describe('health checks: replicas', () => {
  const behind = clusterWithConfig(undefined, { status: { optime: 52_000_000 } });
  const lagging = replicaState({ cluster: behind });

  it.each([
    ['', 200],
    ['lag=1MB', 503],
    ['lag=2MB', 200],
    ['lag=1999999', 503],
    ['lag=2000000', 200],
    ['lag=1.9MB', 503],
    ['lag=1mb', 200],
    ['lag=soon', 200],
    ['lag=', 200],
    ['lag=&lag=1MB', 503],
  ])('?%s against a replica 2,000,000 bytes behind: %i', (query, status) => {
    expect(check(lagging, `/replica?${query}`)).toBe(status);
  });

  it('applies ?lag= to every path that asks for a healthy replica, and to none other', () => {
    expect(['/replica', '/read-only', '/async'].map((p) => check(lagging, `${p}?lag=1MB`))).toEqual([503, 503, 503]);
    expect(check(lagging, '/health?lag=1MB')).toBe(200);
    expect(check(primaryState({ cluster: behind }), '/read-only?lag=1')).toBe(200);
  });

  it('ignores ?lag= when the DCS view is stale: there is no leader position to compare with', () => {
    expect(check(replicaState({ cluster: behind, clusterReadAt: NOW - 10_000 }), '/replica?lag=1MB')).toBe(200);
  });

  it('keeps noloadbalance members and members not running out of /replica, but not out of /health', () => {
    const hidden = replicaState({ tags: { noloadbalance: true } });
    expect(['/replica', '/read-only', '/async', '/health'].map((p) => check(hidden, p))).toEqual([503, 503, 503, 200]);
    const starting = replicaState({ postgresState: 'starting' });
    expect(['/replica', '/health'].map((p) => check(starting, p))).toEqual([503, 503]);
  });

  it('answers /sync, /async and friends only while the DCS view is available', () => {
    const stale = replicaState({ clusterReadAt: NOW - 10_000 });
    expect(['/async', '/sync', '/read-only-sync', '/replica', '/read-only'].map((p) => check(stale, p))).toEqual([503, 503, 503, 200, 200]);
  });
});

describe('health checks: tag filters', () => {
  const tagged = replicaState({ tags: { mytag: 'abc', weight: 1.5, flag: true, nofailover: false, failover_priority: 2, noloadbalance: false } });

  it.each([
    ['tag_mytag=abc', 200],
    ['tag_mytag=ABC', 503],
    ['tag_weight=1.5', 200],
    ['tag_flag=true', 200],
    ['tag_flag=True', 503],
    ['tag_failover_priority=2', 200],
    ['tag_nofailover=false', 200],
    ['tag_noloadbalance=false', 503],
    ['tag_missing=x', 503],
    ['tag_missing=', 200],
    ['tag_mytag=abc&tag_flag=true', 200],
    ['tag_mytag=abc&tag_flag=false', 503],
    ['other=1', 200],
  ])('/replica?%s: %i', (query, status) => {
    expect(check(tagged, `/replica?${query}`)).toBe(status);
  });

  it('filters only answers that are 200, and never the leader paths', () => {
    expect(check(tagged, '/health?tag_mytag=x')).toBe(503);
    expect(check(tagged, '/primary?tag_mytag=abc')).toBe(503);
    expect(check(primaryState({ tags: { mytag: 'abc' } }), '/leader?tag_mytag=x')).toBe(200);
  });
});

describe('health checks: synchronous replication', () => {
  const sync = { leader: 'pg1', sync_standby: 'pg2' };
  const syncCluster = clusterWithConfig({ synchronous_mode: true }, { sync: { value: sync, modRevision: 9 } });
  const quorumCluster = clusterWithConfig({ synchronous_mode: 'quorum' }, { sync: { value: { ...sync, quorum: 1 }, modRevision: 9 } });
  const paths = ['/sync', '/synchronous', '/quorum', '/async', '/read-only-sync', '/read-only-quorum'];

  it('answers for the synchronous standby, another replica, and the leader', () => {
    expect(paths.map((p) => check(replicaState({ cluster: syncCluster }), p))).toEqual([200, 200, 503, 503, 200, 503]);
    expect(paths.map((p) => check(replicaState({ name: 'pg3', cluster: syncCluster }), p))).toEqual([503, 503, 503, 200, 503, 503]);
    expect(paths.map((p) => check(primaryState({ cluster: syncCluster }), p))).toEqual([503, 503, 503, 503, 200, 200]);
  });

  it('answers for a quorum standby', () => {
    expect(paths.map((p) => check(replicaState({ cluster: quorumCluster }), p))).toEqual([503, 503, 200, 503, 503, 200]);
  });

  it('ignores a sync key while synchronous mode is off', () => {
    const off = clusterWithConfig({ synchronous_mode: false }, { sync: { value: sync, modRevision: 9 } });
    expect(paths.map((p) => check(replicaState({ cluster: off }), p))).toEqual([503, 503, 503, 200, 503, 503]);
  });
});

describe('/liveness', () => {
  const { ttlMs, loopWaitMs } = SETTINGS;

  it('is alive while the next cycle is due less than ttl ago on a running primary, 2*ttl elsewhere', () => {
    const primaryEdge = NOW - (loopWaitMs + ttlMs);
    expect(check(primaryState({ lastCycleAt: primaryEdge + 1 }), '/liveness')).toBe(200);
    expect(check(primaryState({ lastCycleAt: primaryEdge }), '/liveness')).toBe(503);
    const replicaEdge = NOW - (loopWaitMs + 2 * ttlMs);
    expect(check(replicaState({ lastCycleAt: replicaEdge + 1 }), '/liveness')).toBe(200);
    expect(check(replicaState({ lastCycleAt: replicaEdge }), '/liveness')).toBe(503);
  });

  it('is dead before the first cycle, and alive whatever the loop does while paused', () => {
    expect(check(replicaState({ lastCycleAt: undefined }), '/liveness')).toBe(503);
    expect(check(replicaState({ lastCycleAt: undefined, settings: { ...SETTINGS, pause: true } }), '/liveness')).toBe(200);
  });
});

describe('/readiness', () => {
  const behind = (optime: number): NodeState => replicaState({ cluster: clusterWithConfig(undefined, { status: { optime } }) });

  it('is ready on the leader whatever PostgreSQL does', () => {
    expect(check(primaryState({ postgresState: 'stopped' }), '/readiness')).toBe(200);
  });

  it('is ready on a streaming replica within maximum_lag_on_failover of the leader', () => {
    expect(check(behind(50_000_000 + 1_048_576), '/readiness')).toBe(200);
    expect(check(behind(50_000_000 + 1_048_577), '/readiness')).toBe(503);
    expect(check(behind(60_000_000), '/readiness?lag=10MB')).toBe(200);
    expect(check(behind(60_000_000), '/readiness?lag=1kB')).toBe(503);
  });

  it('measures received WAL with ?mode=write', () => {
    const state = replicaState({ postgres: { ...replicaState().postgres, receivedLsn: 52_000_000, replayedLsn: 50_000_000 }, cluster: clusterWithConfig(undefined, { status: { optime: 52_000_000 } }) });
    expect(check(state, '/readiness')).toBe(503);
    expect(check(state, '/readiness?mode=write')).toBe(200);
  });

  it('is not ready when PostgreSQL is not running, not streaming, or the DCS view is stale', () => {
    expect(check(replicaState({ postgresState: 'starting' }), '/readiness')).toBe(503);
    expect(check(replicaState({ postgres: { ...replicaState().postgres, replicationState: 'in archive recovery' } }), '/readiness')).toBe(503);
    expect(check(replicaState({ clusterReadAt: NOW - SETTINGS.ttlMs }), '/readiness')).toBe(503);
    expect(check(primaryState({ leaderUntil: undefined }), '/readiness')).toBe(503);
  });

  it('is ready without a DCS view only while it confirmed a primary kept by failsafe mode', () => {
    const stale = { clusterReadAt: NOW - SETTINGS.ttlMs };
    expect(check(replicaState({ ...stale, failsafeUntil: NOW + 1 }), '/readiness')).toBe(200);
    expect(check(replicaState({ ...stale, failsafeUntil: NOW }), '/readiness')).toBe(503);
  });
});
