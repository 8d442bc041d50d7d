// The agent's only way to touch its PostgreSQL instance. The HA loop decides; this carries out
// one step at a time and reports what it sees. Implementations: pg-ctl-controller.ts (the real
// instance, through pg_ctl, initdb, pg_basebackup, pg_rewind and SQL) and an in-memory fake
// for simulations, both held to one contract suite.
import type { TimelineSwitch } from './timeline-history.js';

/** What a replica streams from: the leader, or a `replicatefrom` member. */
export interface ReplicationSource {
  /** Member name of the source, for messages. */
  name: string;
  host: string;
  port: number;
}

export interface ReplicationRow {
  usename: string;
  application_name: string;
  client_addr: string | null;
  state: string;
  sync_state: string;
  sync_priority: number;
  /** How far the standby has flushed WAL, as a byte position (not one of Patroni's fields). */
  flushLsn?: number;
}

export type PostgresProcessState = 'running' | 'starting' | 'stopped' | 'crashed';

export interface PostgresObservation {
  /** `missing` or `empty`: nothing to start; a bootstrap or a clone must create it. */
  dataDirectory: 'missing' | 'empty' | 'initialized';
  /**
   * `running`: the postmaster lives and accepts connections; `starting`: it lives but does not
   * accept connections yet (recovery, startup); `stopped`: no postmaster and a clean shutdown
   * recorded; `crashed`: no postmaster but the control file says it did not shut down cleanly.
   */
  process: PostgresProcessState;
  /** From pg_control (stopped) or pg_control_system() (running). */
  systemIdentifier?: string;
  /** pg_controldata's "Database cluster state", e.g. `in production`, `shut down in recovery`. */
  controlState?: string;
  /** Whether the instance is a standby: pg_is_in_recovery() when running, standby.signal when not. */
  inRecovery?: boolean;
  timeline?: number;
  /**
   * Replica: where `timeline` comes from. `wal-receiver` while it streams; `replay`: the timeline
   * of the WAL it last replayed (IDENTIFY_SYSTEM); `control-file`: the last restartpoint's, which
   * lags behind a timeline the replica already follows, so it proves nothing about a divergence.
   */
  timelineSource?: 'wal-receiver' | 'replay' | 'control-file';
  /** Primary: pg_current_wal_flush_lsn() as a byte position. */
  flushLsn?: number;
  /** Replica: last WAL position received / replayed, as byte positions. */
  receivedLsn?: number;
  replayedLsn?: number;
  replayedTimestamp?: string | null;
  replayPaused?: boolean;
  /** Replica: `streaming` while a WAL receiver streams, else `in archive recovery`. */
  replicationState?: 'streaming' | 'in archive recovery';
  /** Replica: the source its primary_conninfo names. */
  upstream?: { host: string; port: number };
  /** Primary: pg_stat_replication. */
  replication?: ReplicationRow[];
  /** Primary: the synchronous_standby_names it runs with. */
  synchronousStandbyNames?: string;
  postmasterStartTime?: string;
  serverVersion?: number;
  /** Settings changed in the configuration that only take effect after a restart. */
  pendingRestart?: Record<string, { old_value: string; new_value: string }>;
}

/** Everything the controller needs to write the configuration files it owns. */
export interface PostgresSettings {
  /** Member name: `cluster_name` is the scope; this is `application_name` and the slot name's source. */
  memberName: string;
  scope: string;
  listenAddresses: string[];
  port: number;
  /** Merged dynamic and local parameters, protected ones already applied. */
  parameters: Record<string, string | number | boolean>;
  pgHba: string[];
  superuser: { username: string; password: string };
  replication: { username: string; password: string };
  rewind?: { username: string; password: string };
}

export interface BootstrapOptions {
  /** initdb options: `data-checksums` or `{ encoding: 'UTF8' }`. */
  initdb: (string | Record<string, string | number | boolean>)[];
}

export type StopMode = 'fast' | 'immediate';

/** What a source's PostgreSQL says of its own WAL: its timeline, and where each earlier one ended. */
export interface SourceTimeline {
  timeline: number;
  history: TimelineSwitch[];
}

/**
 * `failed`: pg_rewind ran against a source that answered and failed, which alone may lead to a
 * new copy; `source-unavailable`: it could not reach a primary to rewind from, which proves nothing.
 */
export type RewindOutcome = 'rewound' | 'failed' | 'source-unavailable';

export interface PostgresController {
  observe(): Promise<PostgresObservation>;
  /** Whether the postmaster process lives: a cheap check (no SQL) the loop polls to notice a crash at once. */
  postmasterAlive(): Promise<boolean>;
  /** Rewrites the configuration files it owns; reloads a running instance. Resolves whether anything changed. */
  configure(settings: PostgresSettings): Promise<boolean>;
  /** initdb into an empty data directory, start as primary, create the superuser password and the replication and rewind roles. */
  bootstrap(options: BootstrapOptions): Promise<void>;
  /** pg_basebackup from `source` into an empty data directory (streaming WAL, using the replication role). */
  cloneFrom(source: ReplicationSource): Promise<void>;
  /** Starts as a primary (no standby.signal). */
  startPrimary(): Promise<void>;
  /** Starts as a standby of `source` (standby.signal, primary_conninfo, primary_slot_name); null: no upstream yet. */
  startReplica(source: ReplicationSource | null): Promise<void>;
  /** Points a running standby at another source; a reload suffices on PostgreSQL 13+. */
  follow(source: ReplicationSource | null): Promise<void>;
  /**
   * Makes a promotion of this standby take a timeline above `timeline`: PostgreSQL takes the
   * first one with no history file, so every one up to `timeline` gets one (a placeholder no
   * standby can follow) where it is missing. Other members may have taken them.
   */
  reserveTimelines(timeline: number): Promise<void>;
  /** pg_promote(), waiting until the instance leaves recovery. */
  promote(): Promise<void>;
  /** `fast` after an optional CHECKPOINT, or `immediate`; resolves once the postmaster is gone. */
  stop(mode: StopMode, options?: { checkpointFirst?: boolean }): Promise<void>;
  restart(): Promise<void>;
  /** pg_rewind from `source` of a stopped instance. */
  rewindFrom(source: ReplicationSource): Promise<RewindOutcome>;
  /** IDENTIFY_SYSTEM and TIMELINE_HISTORY on `source` (replication role); rejects when it does not answer. */
  sourceTimeline(source: ReplicationSource): Promise<SourceTimeline>;
  /** Whether pg_rewind can work here: wal_log_hints or data checksums, per pg_controldata. */
  canRewind(): Promise<boolean>;
  /**
   * A new copy from `source` (pg_basebackup) for a stopped instance, built beside the data
   * directory and swapped in only once complete: when the clone fails, the old data stays.
   */
  recloneFrom(source: ReplicationSource): Promise<void>;
  /** On a primary: creates a physical slot for each member name (slot-name rules applied), drops the other member slots. */
  syncReplicationSlots(memberNames: string[]): Promise<void>;
  /** CHECKPOINT on a running instance. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export { slotNameFor } from '../contract/slot-name.js';
