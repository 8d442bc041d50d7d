// The HA rules of a paused cluster (maintenance mode): nothing is started, stopped, promoted or
// demoted on the agent's own account; only a switchover to a named candidate moves the leader.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../agent/ha/decide.js';
import type { LeaderTimeline, Snapshot } from '../../../agent/ha/snapshot.js';
import { cluster, leaderSnapshot, PRIMARY, REPLICA, SETTINGS, snapshot } from '../../helpers/ha-snapshot.js';

const PAUSED = { ...SETTINGS, pause: true };
const paused = (overrides: Partial<Snapshot> = {}): Snapshot => snapshot({ settings: PAUSED, ...overrides });
const pausedLeader = (overrides: Partial<Snapshot> = {}): Snapshot => leaderSnapshot({ settings: PAUSED, ...overrides });
const noLeader = cluster({ leader: undefined });
const killed = { ...PRIMARY, process: 'crashed' as const, flushLsn: undefined, replication: undefined };

describe('decide, in a paused cluster', () => {
  it('keeps a primary running whose lease ran out, whose renewal failed, or that lost etcd', () => {
    expect(decide(pausedLeader({ leadership: { validUntil: 99_000, renewedThisCycle: false }, renewalFailed: true }))).toEqual({
      rule: 'renewal-failed',
      action: { kind: 'none' },
      reason: 'the leader lock could not be renewed; PostgreSQL runs on as primary: the cluster is paused',
    });
    expect(decide(pausedLeader({ cluster: undefined }))).toEqual({
      rule: 'etcd-unreachable',
      action: { kind: 'none' },
      reason: 'etcd is unreachable; PostgreSQL runs on as primary: the cluster is paused',
    });
    expect(decide(pausedLeader({ task: { kind: 'restart', since: 99_000 }, renewalFailed: true }))).toMatchObject({ action: { kind: 'none' }, reason: 'restart in progress' });
  });

  it('leaves a primary alone while another member holds the leader lock', () => {
    expect(decide(paused({ postgres: PRIMARY }))).toEqual({
      rule: 'lock-taken-by-other',
      action: { kind: 'none' },
      reason: 'I run as primary while pg1 holds the leader lock; nothing changes: the cluster is paused',
    });
  });

  it('releases the leader lock once an operator stopped or demoted its PostgreSQL, and does not start it', () => {
    expect(decide(pausedLeader({ postgres: killed }))).toEqual({
      rule: 'paused-leader-not-primary',
      action: { kind: 'release-leader' },
      reason: 'releasing the leader lock: the cluster is paused and my PostgreSQL does not run as primary',
    });
    expect(decide(pausedLeader({ postgres: REPLICA }))).toMatchObject({ rule: 'paused-leader-not-primary', action: { kind: 'release-leader' } });
    expect(decide(paused({ name: 'pg1', cluster: noLeader, postgres: killed, wasPrimary: true }))).toEqual({
      rule: 'paused-postgres-down',
      action: { kind: 'none' },
      reason: 'PostgreSQL is not running and stays so: the cluster is paused',
    });
    expect(decide(paused({ postgres: { ...REPLICA, process: 'stopped' } }))).toMatchObject({ rule: 'paused-postgres-down', action: { kind: 'none' } });
  });

  it('lets a leader keep its lock while its PostgreSQL restarts, without a watchdog', () => {
    expect(decide(pausedLeader({ postgres: { ...PRIMARY, process: 'starting' } }))).toMatchObject({ rule: 'leader-postgres-starting' });
    expect(decide(pausedLeader({ watchdog: { mode: 'required', armed: false, triedThisCycle: false } }))).toMatchObject({ rule: 'leader-steady', action: { kind: 'none' } });
  });

  it('has no replica race for a free lock, but a running primary takes it', () => {
    expect(decide(paused({ cluster: noLeader }))).toEqual({ rule: 'paused-race', action: { kind: 'none' }, reason: 'no leader, and I do not race: the cluster is paused' });
    expect(decide(paused({ name: 'pg1', cluster: noLeader, postgres: PRIMARY }))).toEqual({
      rule: 'paused-race',
      action: { kind: 'acquire-leader' },
      reason: 'no leader: taking the leader lock, since I run as primary in a paused cluster',
    });
  });

  it('carries out a switchover to a named candidate only: the leader steps down, the candidate races and is promoted', () => {
    const anyone = cluster({ failover: { value: { leader: 'pg1' }, modRevision: 12 } });
    expect(decide(pausedLeader({ cluster: anyone }))).toEqual({
      rule: 'hand-over',
      action: { kind: 'clear-failover' },
      reason: 'switchover refused: the cluster is paused, and then only a switchover to a named candidate is carried out',
    });
    const toPg2 = { value: { leader: 'pg1', member: 'pg2' }, modRevision: 12 };
    expect(decide(pausedLeader({ cluster: cluster({ failover: toPg2 }) }))).toMatchObject({ rule: 'hand-over', action: { kind: 'gather-peers' } });
    const left = cluster({ leader: undefined, failover: toPg2 });
    expect(decide(paused({ cluster: left, peers: [] }))).toMatchObject({ rule: 'leader-race', action: { kind: 'acquire-leader' } });
    expect(decide(paused({ name: 'pg3', cluster: left, postgres: REPLICA }))).toMatchObject({ rule: 'paused-race', action: { kind: 'none' } });
    const candidateLeads = cluster({ leader: { name: 'pg2', lease: '2', modRevision: 14 }, failover: toPg2 });
    expect(decide(paused({ cluster: candidateLeads, leadership: { validUntil: 110_000, renewedThisCycle: true } }))).toMatchObject({ rule: 'promote', action: { kind: 'promote' } });
  });

  it('brings back as a replica the former leader that stepped down for the switchover, and no one else', () => {
    const stopped = { ...PRIMARY, process: 'stopped' as const, flushLsn: undefined, replication: undefined };
    const newLeader = cluster({ leader: { name: 'pg2', lease: '2', modRevision: 14 } });
    expect(decide(paused({ name: 'pg1', cluster: newLeader, postgres: stopped, wasPrimary: true, steppedDown: true }))).toMatchObject({
      rule: 'postgres-down',
      action: { kind: 'inspect-leader' },
    });
    expect(decide(paused({ name: 'pg1', cluster: newLeader, postgres: stopped, wasPrimary: true }))).toMatchObject({ rule: 'paused-postgres-down' });
  });

  it('clones no replica, and rewinds no running one, but lets one that did not diverge follow', () => {
    const empty = { ...REPLICA, dataDirectory: 'empty' as const, process: 'stopped' as const };
    expect(decide(paused({ postgres: empty }))).toEqual({
      rule: 'empty-data-directory',
      action: { kind: 'none' },
      reason: 'my data directory is empty, and no replica is cloned: the cluster is paused',
    });
    const diverged = { ...REPLICA, replicationState: undefined, timelineSource: 'replay' as const, timeline: 1, replayedLsn: 60_000_000 };
    const leaderAhead: LeaderTimeline = { leader: 'pg1', answered: true, timeline: 2, history: [[1, 50_000_000]] };
    expect(decide(paused({ postgres: diverged, wasPrimary: true }))).toMatchObject({ rule: 'diverged-replica', action: { kind: 'inspect-leader' } });
    expect(decide(paused({ postgres: diverged, wasPrimary: true, leaderTimeline: leaderAhead }))).toEqual({
      rule: 'diverged-replica',
      action: { kind: 'none' },
      reason: "cannot follow pg1: my WAL on timeline 1 went to 0/3938700, past 0/2FAF080, where it ended in pg1's history; it is rewound once the cluster resumes",
    });
    const sameTimeline: LeaderTimeline = { leader: 'pg1', answered: true, timeline: 1, history: [] };
    expect(decide(paused({ postgres: diverged, wasPrimary: true, leaderTimeline: sameTimeline }))).toMatchObject({ rule: 'follow-leader' });
  });
});
