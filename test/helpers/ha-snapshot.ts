// Snapshots for testing the HA rules: a three-member cluster led by pg1, seen from pg2.
import type { MemberRecord } from '../../agent/contract/dcs-records.js';
import type { ClusterState } from '../../agent/dcs/dcs.js';
import type { HaSettings } from '../../agent/ha/ha-settings.js';
import type { PeerStatus, Snapshot } from '../../agent/ha/snapshot.js';
import type { PostgresObservation } from '../../agent/postgres/postgres-controller.js';

export const SETTINGS: HaSettings = {
  ttlMs: 10_000,
  loopWaitMs: 2000,
  retryTimeoutMs: 4000,
  maximumLagOnFailover: 1048576,
  primaryStartTimeoutMs: 300_000,
  checkTimeline: false,
  usePgRewind: true,
  removeDataDirectoryOnRewindFailure: false,
  removeDataDirectoryOnDivergedTimelines: false,
  pause: false,
  synchronousMode: 'off',
  synchronousModeStrict: false,
  synchronousNodeCount: 1,
  maximumLagOnSyncnode: -1,
  failsafeMode: false,
};

export function memberRecord(name: string, port: number, role = 'replica'): MemberRecord {
  return { conn_url: `postgres://127.0.0.1:${port}/postgres`, api_url: `http://127.0.0.1:${port + 3000}/patroni`, state: 'running', role, version: '4.1.4' };
}

export function cluster(overrides: Partial<ClusterState> = {}): ClusterState {
  return {
    revision: 10,
    initialize: '7711234567890123456',
    leader: { name: 'pg1', lease: '1', modRevision: 5 },
    members: [
      { name: 'pg1', record: memberRecord('pg1', 5432, 'primary'), lease: '1' },
      { name: 'pg2', record: memberRecord('pg2', 5433), lease: '2' },
      { name: 'pg3', record: memberRecord('pg3', 5434), lease: '3' },
    ],
    status: { optime: 50_000_000 },
    history: [],
    ...overrides,
  };
}

export const REPLICA: PostgresObservation = {
  dataDirectory: 'initialized',
  process: 'running',
  inRecovery: true,
  timeline: 1,
  receivedLsn: 50_000_000,
  replayedLsn: 50_000_000,
  replicationState: 'streaming',
  upstream: { host: '127.0.0.1', port: 5432 },
};

const streamingTo = (name: string) => ({ usename: 'replicator', application_name: name, client_addr: '127.0.0.1', state: 'streaming', sync_state: 'async', sync_priority: 0 });

/** pg1 as a running primary that pg2 and pg3 stream from. */
export const PRIMARY: PostgresObservation = {
  dataDirectory: 'initialized',
  process: 'running',
  inRecovery: false,
  timeline: 1,
  flushLsn: 50_000_000,
  replication: [streamingTo('pg2'), streamingTo('pg3')],
};

export function peer(name: string, overrides: Partial<PeerStatus> = {}): PeerStatus {
  return { name, reachable: true, isPrimary: false, watchdogFailed: false, walPosition: 50_000_000, timeline: 1, nofailover: false, failoverPriority: 1, ...overrides };
}

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    now: 100_000,
    wallTime: Date.parse('2026-11-23T10:00:00Z'),
    name: 'pg2',
    tags: {},
    settings: SETTINGS,
    cluster: cluster(),
    leadership: undefined,
    renewalFailed: false,
    failsafe: undefined,
    postgres: REPLICA,
    task: undefined,
    peers: undefined,
    leaderTimeline: undefined,
    watchdog: { mode: 'off', armed: false, triedThisCycle: false },
    primaryDownSince: undefined,
    switchoverPendingSince: undefined,
    wasPrimary: false,
    steppedDown: false,
    rewindFailed: false,
    commitRule: undefined,
    commitRuleSince: undefined,
    ...overrides,
  };
}

/** pg1 as the leader that renewed this cycle. */
export function leaderSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return snapshot({ name: 'pg1', postgres: PRIMARY, leadership: { validUntil: 110_000, renewedThisCycle: true }, ...overrides });
}
