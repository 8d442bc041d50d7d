// The node-status document: the body of `GET /patroni` and of every health check. Peers read
// it in the leader race and patronictl shows it, so its fields are Patroni's, verbatim; what
// pgha adds lives under `pgha` only.
import type { TagValue } from '../contract/dcs-records.js';
import type { Action } from '../ha/decision.js';
import { PATRONI_COMPATIBLE_VERSION } from '../ha/member-record.js';
import type { ReplicationRow } from '../postgres/postgres-controller.js';
import type { NodeState } from '../ha/node-state.js';
import type { WatchdogMode, WatchdogState, WatchdogStatus } from '../watchdog/watchdog.js';
import { failsafeActive, freshCluster, leaseRemainingMs, reportedRole, synchronousDuty } from './node-view.js';
import { publishedTags } from './published-tags.js';
import { patroniTimestamp } from './timestamp-text.js';

export interface PrimaryXlog {
  location: number;
}

export interface ReplicaXlog {
  received_location: number;
  replayed_location: number;
  replayed_timestamp: string | null;
  paused: boolean;
}

/** The watchdog as this member last found it; Patroni shows only `watchdog_failed`. */
export interface PghaWatchdog {
  mode: WatchdogMode;
  state: WatchdogState;
  device: string;
  /** The driver's timeout in seconds; null until read. */
  timeout: number | null;
  /** When the last keepalive was written, ISO 8601; null before the first. */
  last_keepalive: string | null;
  keepalives: number;
  failure?: string;
  warning?: string;
}

export interface PghaStatus {
  version: string;
  last_decision: { rule: string; action: Action; reason: string } | null;
  /** Seconds this member may still act as the leader without another renewal; null when it does not lead. */
  leader_until: number | null;
  watchdog: PghaWatchdog;
}

export interface NodeStatusDocument {
  state: string;
  postmaster_start_time?: string;
  role: string;
  server_version?: number;
  xlog?: PrimaryXlog | ReplicaXlog;
  timeline?: number;
  replication_state?: string;
  replication?: ReplicationRow[];
  sync_standby?: true;
  quorum_standby?: true;
  cluster_unlocked?: true;
  failsafe_mode_is_active?: true;
  pause?: true;
  dcs_last_seen: number;
  tags?: Record<string, TagValue>;
  database_system_identifier?: string;
  pending_restart?: true;
  pending_restart_reason?: Record<string, { old_value: string; new_value: string }>;
  watchdog_failed?: true;
  patroni: { version: string; scope: string; name: string };
  pgha: PghaStatus;
}

/** What only a running PostgreSQL can tell: Patroni leaves these out when its query fails. */
function runningFields(state: NodeState): Partial<NodeStatusDocument> {
  const pg = state.postgres;
  if (pg.process !== 'running') return {};
  const fields: Partial<NodeStatusDocument> = {};
  if (pg.postmasterStartTime !== undefined) fields.postmaster_start_time = patroniTimestamp(pg.postmasterStartTime);
  if (pg.serverVersion !== undefined) fields.server_version = pg.serverVersion;
  fields.xlog =
    pg.inRecovery === false
      ? { location: pg.flushLsn ?? 0 }
      : {
          received_location: pg.receivedLsn ?? pg.replayedLsn ?? 0,
          replayed_location: pg.replayedLsn ?? 0,
          replayed_timestamp: pg.replayedTimestamp ? patroniTimestamp(pg.replayedTimestamp) : null,
          paused: pg.replayPaused ?? false,
        };
  if (pg.timeline !== undefined) fields.timeline = pg.timeline;
  if (pg.inRecovery !== false && pg.replicationState !== undefined) fields.replication_state = pg.replicationState;
  if (pg.replication && pg.replication.length > 0) fields.replication = pg.replication.map(({ flushLsn: _flush, ...row }) => row);
  return fields;
}

function pghaWatchdog(status: WatchdogStatus): PghaWatchdog {
  return {
    mode: status.mode,
    state: status.state,
    device: status.device,
    timeout: status.timeoutSeconds ?? null,
    last_keepalive: status.lastKeepalive ?? null,
    keepalives: status.keepalives,
    ...(status.failure !== undefined ? { failure: status.failure } : {}),
    ...(status.warning !== undefined ? { warning: status.warning } : {}),
  };
}

function pghaStatus(state: NodeState, now: number): PghaStatus {
  const decision = state.lastDecision;
  const lease = leaseRemainingMs(state, now);
  return {
    version: state.version,
    last_decision: decision ? { rule: decision.rule, action: decision.action, reason: decision.reason } : null,
    leader_until: lease === undefined ? null : Math.round(lease) / 1000,
    watchdog: pghaWatchdog(state.watchdog),
  };
}

/** Flags that depend on the cluster view: each is present only when true, as Patroni writes them. */
function clusterFlags(state: NodeState, now: number): Partial<NodeStatusDocument> {
  const flags: Partial<NodeStatusDocument> = {};
  const duty = synchronousDuty(state, now);
  if (duty.sync) flags.sync_standby = true;
  if (duty.quorum) flags.quorum_standby = true;
  if (!freshCluster(state, now)?.leader) flags.cluster_unlocked = true;
  if (failsafeActive(state, now)) flags.failsafe_mode_is_active = true;
  if (state.settings.pause) flags.pause = true;
  return flags;
}

function memberFacts(state: NodeState): Partial<NodeStatusDocument> {
  const facts: Partial<NodeStatusDocument> = {};
  const tags = publishedTags(state.tags);
  if (Object.keys(tags).length > 0) facts.tags = tags;
  if (state.postgres.systemIdentifier !== undefined) facts.database_system_identifier = state.postgres.systemIdentifier;
  const pending = state.postgres.pendingRestart;
  if (pending && Object.keys(pending).length > 0) {
    facts.pending_restart = true;
    facts.pending_restart_reason = pending;
  }
  if (state.watchdog.failed) facts.watchdog_failed = true;
  return facts;
}

export function nodeStatus(state: NodeState, now: number): NodeStatusDocument {
  return {
    state: state.postgresState,
    role: reportedRole(state, now),
    ...runningFields(state),
    ...clusterFlags(state, now),
    dcs_last_seen: state.dcsLastSeen ?? 0,
    ...memberFacts(state),
    patroni: { version: PATRONI_COMPATIBLE_VERSION, scope: state.scope, name: state.name },
    pgha: pghaStatus(state, now),
  };
}
