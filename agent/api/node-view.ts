// What a published NodeState means at one moment: leadership and the DCS view both expire on
// the monotonic clock, so every answer the REST API gives depends on the state and on `now`.
import type { ClusterState } from '../dcs/dcs.js';
import { roleName } from '../ha/member-record.js';
import { isStandbyClusterIn } from './dynamic-config-view.js';
import type { NodeState } from '../ha/node-state.js';
import { synchronousDutyIn, type SynchronousDuty } from './synchronous-duty.js';

/** This member holds the leader key: its last renewal was less than ttl ago. */
export function isLeader(state: NodeState, now: number): boolean {
  return leaseRemainingMs(state, now) !== undefined;
}

/** Failsafe mode keeps this member primary without etcd, or this member confirmed such a primary, within ttl. */
export function failsafeActive(state: NodeState, now: number): boolean {
  return state.failsafeUntil !== undefined && state.failsafeUntil > now;
}

/** Milliseconds this member may still act as the leader without another renewal; undefined when it does not lead. */
export function leaseRemainingMs(state: NodeState, now: number): number | undefined {
  return state.leaderUntil !== undefined && state.leaderUntil > now ? state.leaderUntil - now : undefined;
}

/** The cluster as last read from etcd, unless that read is older than ttl ("DCS view unavailable"). */
export function freshCluster(state: NodeState, now: number): ClusterState | undefined {
  if (state.clusterReadAt === undefined || now - state.clusterReadAt >= state.settings.ttlMs) return undefined;
  return state.cluster;
}

/** The dynamic configuration last seen, however old: Patroni keeps using its last known copy too. */
export function lastConfig(state: NodeState): Record<string, unknown> | undefined {
  return state.cluster?.config?.value;
}

export function isStandbyCluster(state: NodeState): boolean {
  return isStandbyClusterIn(lastConfig(state));
}

/** `primary`, `replica`, `standby_leader` or `uninitialized`, as `/patroni` reports it. */
export function reportedRole(state: NodeState, now: number): string {
  const role = roleName(state.postgres);
  if (role === 'replica' && isStandbyCluster(state) && isLeader(state, now)) return 'standby_leader';
  return role;
}

/** Synchronous duty counts only while the DCS view is available, as in Patroni. */
export function synchronousDuty(state: NodeState, now: number): SynchronousDuty {
  return synchronousDutyIn(freshCluster(state, now), state.name);
}
