import { describe, expect, it } from 'vitest';
import { decide } from '../../../agent/ha/decide.js';
import type { LeaderTimeline, Snapshot } from '../../../agent/ha/snapshot.js';
import type { PostgresObservation } from '../../../agent/postgres/postgres-controller.js';
import { cluster, leaderSnapshot, peer, PRIMARY, REPLICA, SETTINGS, snapshot } from '../../helpers/ha-snapshot.js';

const noLeader = cluster({ leader: undefined });

describe('decide: guards', () => {
  it('demotes a primary whose lease belief ran out before any etcd I/O, even with etcd gone', () => {
    const d = decide(leaderSnapshot({ cluster: undefined, leadership: { validUntil: 99_000, renewedThisCycle: false } }));
    expect(d).toEqual({ rule: 'stale-primary', action: { kind: 'demote', mode: 'immediate-nolock' }, reason: 'demoting: my leader lease ran out without a renewal' });
  });

  it('demotes a primary that cannot reach etcd, and leaves a replica alone', () => {
    expect(decide(leaderSnapshot({ cluster: undefined }))).toMatchObject({ rule: 'etcd-unreachable', action: { kind: 'demote', mode: 'offline' } });
    expect(decide(snapshot({ cluster: undefined }))).toMatchObject({
      rule: 'etcd-unreachable',
      action: { kind: 'none' },
      reason: 'etcd is unreachable; nothing changes here until it answers',
    });
  });

  it('keeps renewing the lock while a long task runs, and demotes when the lock is lost during it', () => {
    const during = { task: { kind: 'promote' as const, since: 99_000 }, postgres: REPLICA };
    expect(decide(leaderSnapshot({ ...during, leadership: { validUntil: 105_000, renewedThisCycle: false } }))).toMatchObject({
      action: { kind: 'renew-leader' },
      reason: 'renewing the leader lock during promote',
    });
    expect(decide(leaderSnapshot(during))).toMatchObject({ action: { kind: 'none' }, reason: 'promote in progress' });
    expect(decide(leaderSnapshot({ ...during, leadership: undefined, renewalFailed: true }))).toMatchObject({
      action: { kind: 'demote', mode: 'immediate-nolock' },
      reason: 'demoting: lost the leader lock during promote',
    });
  });
});

describe('decide: bootstrap', () => {
  const empty = { ...REPLICA, dataDirectory: 'empty' as const, process: 'stopped' as const };

  it('races to create a cluster that does not exist yet, unless it may not promote or lead without a watchdog', () => {
    const fresh = cluster({ initialize: undefined, leader: undefined, members: [], status: undefined });
    expect(decide(snapshot({ cluster: fresh, postgres: empty }))).toMatchObject({ rule: 'uninitialized-cluster', action: { kind: 'bootstrap' } });
    expect(decide(snapshot({ cluster: fresh, postgres: empty, tags: { nofailover: true } }))).toMatchObject({ action: { kind: 'none' } });
    const noWatchdog = { mode: 'required' as const, armed: false, failure: 'no such device', triedThisCycle: false };
    expect(decide(snapshot({ cluster: fresh, postgres: empty, watchdog: noWatchdog }))).toEqual({
      rule: 'uninitialized-cluster',
      action: { kind: 'none' },
      reason: 'waiting for another member to create the cluster (I may not lead without a watchdog: no such device)',
    });
  });

  it('waits while another member creates it', () => {
    const creating = cluster({ initialize: '', leader: undefined });
    expect(decide(snapshot({ cluster: creating, postgres: empty }))).toMatchObject({ rule: 'bootstrap-in-progress', reason: 'waiting for the member that creates the cluster' });
  });

  it('clones from the leader, or from a running clonefrom member', () => {
    expect(decide(snapshot({ postgres: empty }))).toMatchObject({ rule: 'empty-data-directory', action: { kind: 'clone', from: 'pg1' } });
    const c = cluster();
    c.members[2]!.record.tags = { clonefrom: true };
    expect(decide(snapshot({ postgres: empty, cluster: c }))).toMatchObject({ action: { kind: 'clone', from: 'pg3' }, reason: 'cloning a replica from pg3' });
  });
});

describe('decide: the leader', () => {
  it('renews first, then reports steady state', () => {
    expect(decide(leaderSnapshot({ leadership: { validUntil: 105_000, renewedThisCycle: false } }))).toMatchObject({ rule: 'renew-lock', action: { kind: 'renew-leader' } });
    expect(decide(leaderSnapshot())).toEqual({ rule: 'leader-steady', action: { kind: 'none' }, reason: 'no action: I am pg1, the leader with the lock' });
  });

  it('demotes at once when the renewal fails or another member holds the key', () => {
    expect(decide(leaderSnapshot({ leadership: undefined, renewalFailed: true }))).toMatchObject({ rule: 'renewal-failed', action: { kind: 'demote', mode: 'immediate-nolock' } });
    expect(decide(leaderSnapshot({ cluster: cluster({ leader: { name: 'pg3', lease: '3', modRevision: 9 } }), leadership: undefined }))).toMatchObject({
      rule: 'lock-taken-by-other',
      reason: 'demoting: the leader lock belongs to pg3',
    });
  });

  it('promotes once it holds the key', () => {
    expect(decide(leaderSnapshot({ postgres: REPLICA }))).toMatchObject({ rule: 'promote', action: { kind: 'promote' } });
  });

  it('restarts a crashed PostgreSQL in place, and gives the lock up after primary_start_timeout', () => {
    const crashed = { ...PRIMARY, process: 'crashed' as const };
    expect(decide(leaderSnapshot({ postgres: crashed, primaryDownSince: 99_000 }))).toMatchObject({ rule: 'leader-postgres-down', action: { kind: 'start-primary' } });
    const timeout = { ...SETTINGS, primaryStartTimeoutMs: 0 };
    expect(decide(leaderSnapshot({ postgres: crashed, primaryDownSince: 99_000, settings: timeout }))).toMatchObject({ action: { kind: 'release-leader' } });
  });

  it('arms its watchdog before it promotes or starts PostgreSQL as primary, and gives the lock up when a required one cannot be armed', () => {
    const unarmed = { mode: 'required' as const, armed: false, triedThisCycle: false };
    const failed = { ...unarmed, triedThisCycle: true, failure: 'no such device' };
    const crashed = { postgres: { ...PRIMARY, process: 'crashed' as const }, primaryDownSince: 99_000 };
    for (const fields of [{ postgres: REPLICA }, crashed]) {
      expect(decide(leaderSnapshot({ ...fields, watchdog: unarmed }))).toMatchObject({ action: { kind: 'arm-watchdog' }, reason: 'arming the watchdog: I am about to lead without it' });
      expect(decide(leaderSnapshot({ ...fields, watchdog: failed }))).toMatchObject({ action: { kind: 'release-leader' } });
    }
    expect(decide(leaderSnapshot({ ...crashed, watchdog: failed })).reason).toBe(
      'releasing the leader lock instead of starting PostgreSQL as primary: I may not lead without a watchdog (no such device)',
    );
    expect(decide(leaderSnapshot({ ...crashed, watchdog: { ...unarmed, armed: true } }))).toMatchObject({ action: { kind: 'start-primary' } });
  });

  describe('switchover', () => {
    const request = (failover: object) => cluster({ failover: { value: failover, modRevision: 12 } });

    it('asks the candidates first, then steps down gracefully for a healthy one', () => {
      const c = request({ leader: 'pg1', member: 'pg2' });
      expect(decide(leaderSnapshot({ cluster: c }))).toMatchObject({ action: { kind: 'gather-peers' } });
      expect(decide(leaderSnapshot({ cluster: c, peers: [peer('pg2'), peer('pg3')] }))).toEqual({
        rule: 'hand-over',
        action: { kind: 'demote', mode: 'graceful' },
        reason: 'switchover: stepping down for pg2',
      });
    });

    it('refuses a candidate that cannot take over, and requests that are not for it', () => {
      const c = request({ leader: 'pg1', member: 'pg2' });
      expect(decide(leaderSnapshot({ cluster: c, peers: [peer('pg2', { reachable: false })] }))).toMatchObject({
        action: { kind: 'clear-failover' },
        reason: 'switchover refused: pg2 cannot take over now (pg2 did not answer GET /patroni)',
      });
      const lagging = peer('pg2', { walPosition: 50_000_000 - 2 * 1048576 });
      expect(decide(leaderSnapshot({ cluster: c, peers: [lagging] })).reason).toBe(
        'switchover refused: pg2 cannot take over now (pg2 lags 2097152 bytes, more than maximum_lag_on_failover)',
      );
      const synchronous = { ...SETTINGS, synchronousMode: 'on' as const };
      const syncOnPg3 = cluster({ failover: { value: { leader: 'pg1' }, modRevision: 12 }, sync: { value: { leader: 'pg1', sync_standby: 'pg3' }, modRevision: 9 } });
      expect(decide(leaderSnapshot({ settings: synchronous, cluster: syncOnPg3, peers: [peer('pg2'), peer('pg3', { nofailover: true })] })).reason).toBe(
        'switchover refused: any member cannot take over now (pg2 is not a synchronous standby in the sync key; pg3 is tagged nofailover)',
      );
      expect(decide(leaderSnapshot({ cluster: request({ leader: 'pg3', member: 'pg2' }) }))).toMatchObject({ action: { kind: 'clear-failover' } });
      expect(decide(leaderSnapshot({ cluster: request({ member: 'pg1' }) }))).toMatchObject({ action: { kind: 'clear-failover' } });
    });

    it('waits, for a while, until the candidate streams from it: only then does it get the WAL up to the shutdown checkpoint', () => {
      const c = request({ leader: 'pg1', member: 'pg2' });
      const reconnecting = { ...PRIMARY, replication: PRIMARY.replication!.filter((r) => r.application_name !== 'pg2') };
      const waiting = leaderSnapshot({ cluster: c, peers: [peer('pg2'), peer('pg3')], postgres: reconnecting, switchoverPendingSince: 95_000 });
      expect(decide(waiting)).toEqual({ rule: 'hand-over', action: { kind: 'none' }, reason: 'switchover waiting: pg2 does not stream from me yet' });
      expect(decide({ ...waiting, switchoverPendingSince: 90_000 })).toEqual({
        rule: 'hand-over',
        action: { kind: 'clear-failover' },
        reason: 'switchover refused: pg2 did not stream from me within 10 s',
      });
      const anyMember = leaderSnapshot({ cluster: request({ leader: 'pg1' }), peers: [peer('pg2'), peer('pg3')], postgres: reconnecting });
      expect(decide(anyMember)).toMatchObject({ action: { kind: 'demote', mode: 'graceful' }, reason: 'switchover: stepping down for pg3' });
    });

    it('waits for a scheduled time, and drops a request that is too late', () => {
      expect(decide(leaderSnapshot({ cluster: request({ leader: 'pg1', member: 'pg2', scheduled_at: '2026-11-23T10:05:00Z' }) }))).toMatchObject({
        action: { kind: 'none' },
        reason: 'switchover scheduled at 2026-11-23T10:05:00Z',
      });
      expect(decide(leaderSnapshot({ cluster: request({ leader: 'pg1', member: 'pg2', scheduled_at: '2026-11-23T09:55:00Z' }) }))).toMatchObject({
        action: { kind: 'clear-failover' },
      });
    });
  });
});

describe('decide: replicas', () => {
  describe('a replica whose WAL may have diverged', () => {
    const forked = cluster({ history: [[1, 50_000_000, 'no recovery target specified', '2026-11-23T09:59:00Z', 'pg1']] });
    const ahead: PostgresObservation = {
      ...REPLICA,
      timeline: 1,
      timelineSource: 'replay',
      receivedLsn: 50_014_000,
      replayedLsn: 50_014_000,
      replicationState: 'in archive recovery',
    };
    const leaderOnTimeline2: LeaderTimeline = { leader: 'pg1', answered: true, timeline: 2, history: [[1, 50_000_000]] };
    const diverged = (overrides: Partial<Snapshot> = {}) => decide(snapshot({ cluster: forked, postgres: ahead, leaderTimeline: leaderOnTimeline2, ...overrides }));

    it("asks the leader's PostgreSQL first, and rewinds only on its history", () => {
      expect(decide(snapshot({ cluster: forked, postgres: ahead }))).toEqual({
        rule: 'diverged-replica',
        action: { kind: 'inspect-leader' },
        reason: "asking pg1's PostgreSQL for its timeline: my WAL may have diverged from it",
      });
      expect(diverged()).toEqual({
        rule: 'diverged-replica',
        action: { kind: 'rewind', from: 'pg1' },
        reason: "rewinding with pg_rewind from pg1: my WAL on timeline 1 went to 0/2FB2730, past 0/2FAF080, where it ended in pg1's history",
      });
      const history = { leader: 'pg1', answered: true as const, timeline: 3, history: [[2, 40_000_000]] as [number, number][] };
      expect(diverged({ leaderTimeline: history }).reason).toBe("rewinding with pg_rewind from pg1: my timeline 1 is not in the history of pg1's timeline 3");
    });

    it('never acts while the leader does not answer, nor on a timeline read from the control file, nor while streaming', () => {
      const silent: LeaderTimeline = { leader: 'pg1', answered: false, reason: "pg1's PostgreSQL does not answer (connection refused)" };
      expect(diverged({ leaderTimeline: silent })).toMatchObject({ rule: 'follow-leader', action: { kind: 'none' } });
      expect(diverged({ postgres: { ...ahead, timelineSource: 'control-file' } })).toMatchObject({ rule: 'follow-leader' });
      expect(diverged({ postgres: { ...ahead, replicationState: 'streaming' } })).toMatchObject({ rule: 'follow-leader' });
    });

    it('leaves a replica that is behind the fork point, or already on the leader\'s timeline', () => {
      const behind = { ...ahead, receivedLsn: 49_000_000, replayedLsn: 49_000_000 };
      expect(diverged({ postgres: behind })).toMatchObject({ rule: 'follow-leader' });
      // After a switchover, a replica that followed timeline 2 while its last restartpoint says 1.
      const followed = { ...ahead, timeline: 2 };
      expect(decide(snapshot({ cluster: forked, postgres: followed }))).toMatchObject({ rule: 'follow-leader' });
      expect(diverged({ postgres: followed })).toMatchObject({ rule: 'follow-leader' });
    });

    it('builds a new copy only where the settings allow it, and says why otherwise', () => {
      const noRewind = { ...SETTINGS, usePgRewind: false };
      expect(diverged({ settings: noRewind })).toMatchObject({
        action: { kind: 'none' },
        reason: "cannot follow pg1: my WAL on timeline 1 went to 0/2FB2730, past 0/2FAF080, where it ended in pg1's history; turn on use_pg_rewind, or reinitialize this member",
      });
      expect(diverged({ settings: { ...noRewind, removeDataDirectoryOnDivergedTimelines: true } })).toMatchObject({ action: { kind: 'reinitialize', from: 'pg1' } });
      expect(diverged({ rewindFailed: true })).toMatchObject({ action: { kind: 'none' } });
      expect(diverged({ rewindFailed: true, settings: { ...SETTINGS, removeDataDirectoryOnRewindFailure: true } })).toMatchObject({
        action: { kind: 'reinitialize', from: 'pg1' },
        reason: expect.stringMatching(/^building a new copy from pg1 beside my data: /),
      });
    });
  });

  it('follows the leader, and moves to a new one', () => {
    expect(decide(snapshot())).toEqual({ rule: 'follow-leader', action: { kind: 'none' }, reason: 'no action: I am pg2, a replica following pg1' });
    const moved = cluster({ leader: { name: 'pg3', lease: '3', modRevision: 9 } });
    expect(decide(snapshot({ cluster: moved }))).toMatchObject({ action: { kind: 'follow', leader: 'pg3' } });
  });

  it('rewinds a former primary only once the leader answers, and builds a new copy when pg_rewind failed and that is allowed', () => {
    const stopped = { ...PRIMARY, process: 'stopped' as const };
    expect(decide(snapshot({ postgres: stopped, wasPrimary: true }))).toMatchObject({ action: { kind: 'inspect-leader' } });
    const answered: LeaderTimeline = { leader: 'pg1', answered: true, timeline: 2, history: [[1, 40_000_000]] };
    expect(decide(snapshot({ postgres: stopped, wasPrimary: true, leaderTimeline: answered }))).toMatchObject({ action: { kind: 'rewind', from: 'pg1' } });
    const silent: LeaderTimeline = { leader: 'pg1', answered: false, reason: "pg1's PostgreSQL does not answer (connection refused)" };
    expect(decide(snapshot({ postgres: stopped, wasPrimary: true, leaderTimeline: silent }))).toEqual({
      rule: 'postgres-down',
      action: { kind: 'start-replica', leader: 'pg1' },
      reason:
        "starting PostgreSQL as a replica of pg1, not rewound yet: pg1's PostgreSQL does not answer (connection refused); whether my WAL diverged is checked once it answers",
    });
    expect(decide(snapshot({ postgres: stopped, wasPrimary: true, rewindFailed: true }))).toMatchObject({ action: { kind: 'start-replica', leader: 'pg1' } });
    const wipe = { ...SETTINGS, removeDataDirectoryOnRewindFailure: true };
    expect(decide(snapshot({ postgres: stopped, wasPrimary: true, rewindFailed: true, settings: wipe }))).toMatchObject({ action: { kind: 'reinitialize', from: 'pg1' } });
    expect(decide(snapshot({ postgres: { ...REPLICA, process: 'crashed' } }))).toMatchObject({ action: { kind: 'start-replica', leader: 'pg1' } });
  });

  it('checks a former primary that started as a replica once the leader answers', () => {
    const waiting = { ...REPLICA, timeline: 1, timelineSource: 'replay' as const, replicationState: 'in archive recovery' as const };
    expect(decide(snapshot({ postgres: waiting, wasPrimary: true }))).toMatchObject({ action: { kind: 'inspect-leader' } });
    const answered: LeaderTimeline = { leader: 'pg1', answered: true, timeline: 2, history: [[1, 60_000_000]] };
    expect(decide(snapshot({ postgres: waiting, wasPrimary: true, leaderTimeline: answered }))).toMatchObject({ rule: 'follow-leader' });
  });
});

describe('decide: the leader race', () => {
  it('asks the peers, then takes the lock when it is the healthiest', () => {
    expect(decide(snapshot({ cluster: noLeader }))).toMatchObject({ rule: 'leader-race', action: { kind: 'gather-peers' } });
    expect(decide(snapshot({ cluster: noLeader, peers: [peer('pg3', { walPosition: 49_000_000 }), peer('pg1', { reachable: false })] }))).toEqual({
      rule: 'leader-race',
      action: { kind: 'acquire-leader' },
      reason: 'no leader: taking the leader lock (I am the healthiest member)',
    });
  });

  it('stands back for a live primary, a peer ahead, or a peer with a higher priority', () => {
    const race = (peers: ReturnType<typeof peer>[], extra = {}) => decide(snapshot({ cluster: noLeader, peers, ...extra })).reason;
    expect(race([peer('pg1', { isPrimary: true })])).toBe('no leader, and I do not race: pg1 is still running as primary');
    expect(race([peer('pg3', { walPosition: 50_000_100 })])).toBe('no leader, and I do not race: pg3 is ahead of me (WAL 50000100 > 50000000)');
    expect(race([peer('pg3', { failoverPriority: 5 })])).toBe('no leader, and I do not race: pg3 is as far as I am and has a higher failover_priority');
    expect(race([peer('pg3', { walPosition: 50_000_100, nofailover: true })])).toBe('no leader: taking the leader lock (I am the healthiest member)');
  });
});
