import { describe, expect, it } from 'vitest';
import { nodeStatus } from '../../../agent/api/node-status.js';
import { clusterWithConfig, NOW, primaryState, replicaState } from '../../helpers/api-node-state.js';
import { SETTINGS } from '../../helpers/ha-snapshot.js';

describe('the node-status document', () => {
  it('describes a running primary in Patroni 4.1.4 fields, pgha extras apart', () => {
    expect(nodeStatus(primaryState({ tags: { mytag: 'abc' } }), NOW)).toEqual({
      state: 'running',
      postmaster_start_time: '2026-11-22 14:08:28.85388+00:00',
      role: 'primary',
      server_version: 150018,
      xlog: { location: 50_000_000 },
      timeline: 1,
      replication: [{ usename: 'replicator', application_name: 'pg2', client_addr: '127.0.0.1', state: 'streaming', sync_state: 'async', sync_priority: 0 }],
      dcs_last_seen: 1_795_356_560,
      tags: { mytag: 'abc' },
      database_system_identifier: '7711234567890123456',
      patroni: { version: '4.1.4', scope: 'lab', name: 'pg1' },
      pgha: {
        version: '0.1.0',
        last_decision: { rule: 'healthy-leader', action: { kind: 'renew-leader' }, reason: 'no action: I hold the leader lock' },
        leader_until: 8,
        watchdog: { mode: 'off', state: 'off', device: '/dev/watchdog', timeout: null, last_keepalive: null, keepalives: 0 },
      },
    });
  });

  it('says failsafe mode is active while it is, as Patroni does', () => {
    expect(nodeStatus(replicaState({ failsafeUntil: NOW + 1 }), NOW).failsafe_mode_is_active).toBe(true);
    expect(nodeStatus(replicaState({ failsafeUntil: NOW }), NOW)).not.toHaveProperty('failsafe_mode_is_active');
  });

  it('describes a streaming replica', () => {
    const status = nodeStatus(replicaState(), NOW);
    expect(status).toMatchObject({
      state: 'running',
      role: 'replica',
      xlog: { received_location: 50_000_000, replayed_location: 50_000_000, replayed_timestamp: null, paused: false },
      timeline: 1,
      replication_state: 'streaming',
      patroni: { version: '4.1.4', scope: 'lab', name: 'pg2' },
      pgha: { leader_until: null },
    });
    expect(Object.keys(status)).not.toContain('replication');
    expect(Object.keys(status)).not.toContain('tags');
  });

  it('shows a replay timestamp the way Patroni does', () => {
    const postgres = { ...replicaState().postgres, replayedTimestamp: '2026-11-22 14:10:00.5+05:30', receivedLsn: undefined, replayPaused: true };
    expect(nodeStatus(replicaState({ postgres }), NOW).xlog).toEqual({
      received_location: 50_000_000,
      replayed_location: 50_000_000,
      replayed_timestamp: '2026-11-22 14:10:00.5+05:30',
      paused: true,
    });
  });

  it('leaves out what only a running PostgreSQL can tell', () => {
    const postgres = { ...primaryState().postgres, process: 'stopped' as const };
    expect(nodeStatus(primaryState({ postgres, postgresState: 'stopped', leaderUntil: undefined, lastDecision: undefined }), NOW)).toEqual({
      state: 'stopped',
      role: 'primary',
      dcs_last_seen: 1_795_356_560,
      database_system_identifier: '7711234567890123456',
      patroni: { version: '4.1.4', scope: 'lab', name: 'pg1' },
      pgha: { version: '0.1.0', last_decision: null, leader_until: null, watchdog: { mode: 'off', state: 'off', device: '/dev/watchdog', timeout: null, last_keepalive: null, keepalives: 0 } },
    });
    const empty = { dataDirectory: 'empty' as const, process: 'stopped' as const };
    expect(nodeStatus(replicaState({ postgres: empty, postgresState: 'creating replica' }), NOW)).toMatchObject({ state: 'creating replica', role: 'uninitialized' });
  });

  it('flags an unlocked cluster, a stale DCS view, pause, and pending restarts', () => {
    expect(nodeStatus(replicaState({ cluster: clusterWithConfig(undefined, { leader: undefined }) }), NOW).cluster_unlocked).toBe(true);
    expect(nodeStatus(replicaState({ clusterReadAt: NOW - SETTINGS.ttlMs }), NOW).cluster_unlocked).toBe(true);
    expect(nodeStatus(replicaState(), NOW).cluster_unlocked).toBeUndefined();
    expect(nodeStatus(replicaState({ settings: { ...SETTINGS, pause: true } }), NOW).pause).toBe(true);
    const pendingRestart = { shared_buffers: { old_value: '128MB', new_value: '256MB' } };
    expect(nodeStatus(primaryState({ postgres: { ...primaryState().postgres, pendingRestart } }), NOW)).toMatchObject({
      pending_restart: true,
      pending_restart_reason: pendingRestart,
    });
    expect(nodeStatus(primaryState({ postgres: { ...primaryState().postgres, pendingRestart: {} } }), NOW).pending_restart).toBeUndefined();
  });

  it('shows boolean tags only while they are on, except nofailover and nosync beside their priority tags', () => {
    const tags = { nofailover: false, failover_priority: 0, nosync: false, noloadbalance: false, clonefrom: true, custom: false };
    expect(nodeStatus(replicaState({ tags }), NOW).tags).toEqual({ nofailover: false, failover_priority: 0, clonefrom: true, custom: false });
  });

  it('marks a synchronous standby while the DCS view is available', () => {
    const cluster = clusterWithConfig({ synchronous_mode: true }, { sync: { value: { leader: 'pg1', sync_standby: 'pg2' }, modRevision: 3 } });
    expect(nodeStatus(replicaState({ cluster }), NOW).sync_standby).toBe(true);
    expect(nodeStatus(replicaState({ cluster, clusterReadAt: NOW - 60_000 }), NOW).sync_standby).toBeUndefined();
  });

  it('reports a standby cluster leader as standby_leader', () => {
    const cluster = clusterWithConfig({ standby_cluster: { host: '10.0.0.9' } });
    expect(nodeStatus(replicaState({ cluster, leaderUntil: NOW + 1000 }), NOW)).toMatchObject({ role: 'standby_leader', pgha: { leader_until: 1 } });
  });

  it("shows the watchdog under pgha, and Patroni's watchdog_failed only when a required watchdog is unusable", () => {
    const armed = { mode: 'required' as const, state: 'armed' as const, device: '/dev/watchdog', timeoutSeconds: 5, lastKeepalive: '2026-11-22T14:10:00.250Z', keepalives: 42, failed: false };
    const primary = nodeStatus(primaryState({ watchdog: armed }), NOW);
    expect(primary.pgha.watchdog).toEqual({ mode: 'required', state: 'armed', device: '/dev/watchdog', timeout: 5, last_keepalive: '2026-11-22T14:10:00.250Z', keepalives: 42 });
    expect(Object.keys(primary)).not.toContain('watchdog_failed');

    const missing = 'watchdog device /dev/watchdog does not exist (is a watchdog driver such as softdog loaded?)';
    const failed = { ...armed, state: 'failed' as const, timeoutSeconds: undefined, lastKeepalive: undefined, keepalives: 0, failure: missing, failed: true };
    const replica = nodeStatus(replicaState({ watchdog: failed }), NOW);
    expect(replica.watchdog_failed).toBe(true);
    expect(replica.pgha.watchdog).toEqual({ mode: 'required', state: 'failed', device: '/dev/watchdog', timeout: null, last_keepalive: null, keepalives: 0, failure: missing });

    const late = 'watchdog /dev/watchdog has a timeout of 60s, longer than the 5s wanted';
    const automatic = nodeStatus(primaryState({ watchdog: { ...armed, mode: 'automatic', timeoutSeconds: 60, warning: late } }), NOW);
    expect(automatic.pgha.watchdog).toMatchObject({ mode: 'automatic', state: 'armed', timeout: 60, warning: late });
    expect(Object.keys(automatic)).not.toContain('watchdog_failed');
    const unusable = nodeStatus(replicaState({ watchdog: { ...failed, mode: 'automatic', failed: false } }), NOW);
    expect(Object.keys(unusable)).not.toContain('watchdog_failed');
  });
});
