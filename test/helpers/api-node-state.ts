// NodeStates for testing the REST API: the three-member cluster of ha-snapshot.ts, led by pg1,
// seen by pg1 (the primary) or by pg2 (a streaming replica), at the monotonic moment NOW.
import type { NodeState } from '../../agent/ha/node-state.js';
import type { ClusterState } from '../../agent/dcs/dcs.js';
import { cluster, PRIMARY, REPLICA, SETTINGS } from './ha-snapshot.js';

export const NOW = 1_000_000;

const RUNNING = { systemIdentifier: '7711234567890123456', serverVersion: 150018, postmasterStartTime: '2026-11-22 14:08:28.85388+00' };

/** A cluster view with a `config` key, at revision 7. */
export function clusterWithConfig(config: Record<string, unknown> = { ttl: 10, loop_wait: 2, retry_timeout: 4 }, overrides: Partial<ClusterState> = {}): ClusterState {
  return cluster({ config: { value: config, modRevision: 7 }, ...overrides });
}

export function primaryState(overrides: Partial<NodeState> = {}): NodeState {
  return {
    name: 'pg1',
    scope: 'lab',
    version: '0.1.0',
    postgres: {
      ...PRIMARY,
      ...RUNNING,
      replication: [{ usename: 'replicator', application_name: 'pg2', client_addr: '127.0.0.1', state: 'streaming', sync_state: 'async', sync_priority: 0 }],
    },
    postgresState: 'running',
    leaderUntil: NOW + 8_000,
    cluster: clusterWithConfig(),
    clusterReadAt: NOW - 1_000,
    dcsLastSeen: 1_795_356_560,
    tags: {},
    settings: SETTINGS,
    lastDecision: { rule: 'healthy-leader', action: { kind: 'renew-leader' }, reason: 'no action: I hold the leader lock' },
    lastCycleAt: NOW - 500,
    watchdog: { mode: 'off', state: 'off', device: '/dev/watchdog', keepalives: 0, failed: false },
    failsafeUntil: undefined,
    ...overrides,
  };
}

export function replicaState(overrides: Partial<NodeState> = {}): NodeState {
  return primaryState({
    name: 'pg2',
    postgres: { ...REPLICA, ...RUNNING, replayedTimestamp: null, replayPaused: false },
    leaderUntil: undefined,
    lastDecision: { rule: 'follow-leader', action: { kind: 'none' }, reason: 'no action: streaming from the leader pg1' },
    ...overrides,
  });
}
