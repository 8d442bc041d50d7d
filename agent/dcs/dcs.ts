// The agent's view of the DCS: Patroni's keys for one cluster, seen by one member. Only the HA
// loop writes through it; every call is bounded by retry_timeout and rejects with
// DcsUnavailableError when etcd cannot answer in time.
import type { FailoverRecord, HistoryEntry, MemberRecord, StatusRecord, SyncRecord } from '../contract/dcs-records.js';

export interface Versioned<T> {
  value: T;
  /** etcd's mod revision of the key, for compare-and-swap writes. */
  modRevision: number;
}

export interface MemberEntry {
  name: string;
  record: MemberRecord;
  lease: string;
}

export interface LeaderEntry {
  name: string;
  lease: string;
  modRevision: number;
}

/** Everything under the cluster prefix, read at one revision. */
export interface ClusterState {
  revision: number;
  /** Absent: never bootstrapped; "": bootstrap in progress; else the system identifier. */
  initialize?: string;
  config?: Versioned<Record<string, unknown>>;
  leader?: LeaderEntry;
  members: MemberEntry[];
  status?: StatusRecord;
  sync?: Versioned<SyncRecord>;
  failover?: Versioned<FailoverRecord>;
  history: HistoryEntry[];
  failsafe?: Record<string, string>;
}

/**
 * Whether this member holds the leader key. `renewedAt` is the monotonic time at which the
 * request that proved it was sent: the key cannot expire before `renewedAt + ttl`.
 */
export type LeaderClaim = { held: true; renewedAt: number } | { held: false };

export interface Dcs {
  readCluster(): Promise<ClusterState>;
  /** Publishes this member's key on its lease, refreshing the lease (or granting a new one). */
  touchMember(record: MemberRecord): Promise<void>;
  /** Creates the leader key with our name if it is absent. */
  acquireLeader(): Promise<LeaderClaim>;
  /** Refreshes our lease and checks the leader key still names us; never creates it. */
  renewLeader(): Promise<LeaderClaim>;
  /** Deletes the leader key if it still names us. */
  releaseLeader(): Promise<boolean>;
  /** The bootstrap race: creates `initialize` = "" if absent. */
  claimInitialize(): Promise<boolean>;
  writeInitialize(systemIdentifier: string): Promise<void>;
  /** Deletes `initialize` after a failed bootstrap (only while it is still ""). */
  abandonInitialize(): Promise<void>;
  /** Without `expectedRevision` an unconditional write; with it, only if the key is at that revision (0: absent). */
  writeConfig(config: Record<string, unknown>, expectedRevision?: number): Promise<boolean>;
  writeFailover(failover: FailoverRecord, expectedRevision?: number): Promise<boolean>;
  writeSync(sync: SyncRecord, expectedRevision?: number): Promise<boolean>;
  /** Deletes the `sync` key, only if it is at `expectedRevision`. */
  clearSync(expectedRevision: number): Promise<boolean>;
  writeStatus(status: StatusRecord): Promise<void>;
  writeHistory(history: HistoryEntry[]): Promise<void>;
  writeFailsafe(failsafe: Record<string, string>): Promise<void>;
  /** The highest timeline a promotion took or is about to take (pgha's own key), if any did. */
  readTimelineReservation(): Promise<Versioned<number> | undefined>;
  /** Raises it to `timeline`, only if the key is at `expectedRevision` (0: absent). */
  reserveTimeline(timeline: number, expectedRevision: number): Promise<boolean>;
  /** Calls `listener` with the changed keys whenever something under the prefix changes. */
  watch(listener: (keys: string[]) => void): () => void;
  /** Stops watches and connections; the lease is left to expire, as Patroni does. */
  close(): Promise<void>;
}
