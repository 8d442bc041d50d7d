// What the REST API knows about this member: the HA loop publishes a NodeState after every
// cycle, and the API answers from it (plus the clock), so a health check never waits on SQL.
import type { Tags } from '../contract/schema-types.js';
import type { ClusterState } from '../dcs/dcs.js';
import type { Decision } from './decision.js';
import type { HaSettings } from './ha-settings.js';
import type { PostgresObservation } from '../postgres/postgres-controller.js';
import type { WatchdogStatus } from '../watchdog/watchdog.js';

/** Patroni's state strings for PostgreSQL, as `/patroni` reports them. */
export type PostgresStateName =
  | 'running'
  | 'starting'
  | 'stopped'
  | 'stopping'
  | 'restarting'
  | 'crashed'
  | 'creating replica'
  | 'initializing new cluster'
  | 'start failed'
  | 'restart failed'
  | 'stop failed'
  | 'unknown';

export interface NodeState {
  name: string;
  scope: string;
  /** pgha's own version; `/patroni` also reports the Patroni version pgha is compatible with. */
  version: string;
  postgres: PostgresObservation;
  postgresState: PostgresStateName;
  /** Monotonic ms until which this member may act as the leader (last successful renewal + ttl); undefined when it does not lead. */
  leaderUntil: number | undefined;
  /** The last cluster view read from etcd, and when (monotonic ms); the view is "unavailable" once older than ttl. */
  cluster: ClusterState | undefined;
  clusterReadAt: number | undefined;
  /** Epoch seconds of the last successful etcd read, for `dcs_last_seen`. */
  dcsLastSeen: number | undefined;
  tags: Tags;
  settings: HaSettings;
  /** The HA loop's last decision, and when its last cycle ended (monotonic ms), for `/liveness`. */
  lastDecision: Decision | undefined;
  lastCycleAt: number | undefined;
  watchdog: WatchdogStatus;
  /** Monotonic ms until which failsafe mode is in force here (a primary kept by confirmations, or one confirmed). */
  failsafeUntil: number | undefined;
}
