// Everything one run of the HA loop decides on, gathered before deciding: the decision is a
// pure function of this value.
import type { Tags } from '../contract/schema-types.js';
import type { ClusterState } from '../dcs/dcs.js';
import type { PostgresObservation } from '../postgres/postgres-controller.js';
import type { TimelineSwitch } from '../postgres/timeline-history.js';
import type { CommitRule } from '../postgres/synchronous-standby-names.js';
import type { FailsafeRound } from './failsafe.js';
import type { HaSettings } from './ha-settings.js';

/** A peer's answer to `GET /patroni`, as far as the leader race needs it. */
export interface PeerStatus {
  name: string;
  /** False when it did not answer within the deadline (it is then ignored, as Patroni does). */
  reachable: boolean;
  isPrimary: boolean;
  /** Its watchdog is required and unusable, so it may not lead (Patroni's `watchdog_failed`). */
  watchdogFailed: boolean;
  /** Flush LSN of a primary, or max(received, replayed) of a replica. */
  walPosition: number;
  timeline?: number;
  nofailover: boolean;
  failoverPriority: number;
}

/** The watchdog as this cycle found it. */
export interface WatchdogView {
  mode: 'off' | 'automatic' | 'required';
  /** Open, fed after every renewal: a hung leader's host resets before its key can expire. */
  armed: boolean;
  /** Why it cannot protect a leader, when it was last found so. */
  failure?: string;
  /** An attempt to arm it was made this cycle. */
  triedThisCycle: boolean;
}

/** What the leader's PostgreSQL said of its own WAL, over a replication connection. */
export type LeaderTimeline =
  | { leader: string; answered: true; timeline: number; history: TimelineSwitch[] }
  | { leader: string; answered: false; reason: string };

/** Long actions run off the loop, one at a time, while the loop keeps renewing. */
export type TaskKind = 'bootstrap' | 'clone' | 'promote' | 'demote' | 'start' | 'follow' | 'rewind' | 'restart' | 'reinitialize';

export interface Snapshot {
  /** Monotonic milliseconds. */
  now: number;
  /** Wall-clock epoch milliseconds, for `scheduled_at`. */
  wallTime: number;
  name: string;
  tags: Tags;
  settings: HaSettings;
  /**
   * The cluster as read from etcd this cycle, or undefined when etcd did not answer (in failsafe
   * mode, its read or our renewal); with no leader key, a primary we confirmed within ttl leads.
   */
  cluster: ClusterState | undefined;
  /**
   * Our belief that we hold the leader key: it lasts until `validUntil` (the last successful
   * renewal's send time + ttl). `renewedThisCycle` is set once this cycle's renewal succeeded.
   */
  leadership: { validUntil: number; renewedThisCycle: boolean } | undefined;
  /** Set when this cycle's renewal attempt found the key lost. */
  renewalFailed: boolean;
  /** This cycle's round of POST /failsafe, once taken. */
  failsafe: FailsafeRound | undefined;
  postgres: PostgresObservation;
  /** The long action in progress, if any. */
  task: { kind: TaskKind; since: number } | undefined;
  /** Peers' status, gathered only when a leader race needs it. */
  peers: PeerStatus[] | undefined;
  /** The leader's timeline, asked only when this member may have diverged from it. */
  leaderTimeline: LeaderTimeline | undefined;
  watchdog: WatchdogView;
  /** When our PostgreSQL was first seen down while we led; for primary_start_timeout. */
  primaryDownSince: number | undefined;
  /** When we first saw, while leading, a switchover request that was due: for the hand-over's wait. */
  switchoverPendingSince: number | undefined;
  /** We ran as primary since the last rejoin: check for divergence (pg_rewind) before following. */
  wasPrimary: boolean;
  /** We stopped our PostgreSQL ourselves to step down, and it has not run since: even a paused cluster brings it back as a replica. */
  steppedDown: boolean;
  /** The last rejoin by pg_rewind failed. */
  rewindFailed: boolean;
  /** The synchronous_standby_names this member set as leader, and the flush position when it did. */
  commitRule: CommitRule | undefined;
  commitRuleSince: number | undefined;
}

/** Our WAL position as peers see it: flush on a primary, else the furthest of received and replayed. */
export function walPosition(postgres: PostgresObservation): number {
  if (postgres.inRecovery === false) return postgres.flushLsn ?? 0;
  return Math.max(postgres.receivedLsn ?? 0, postgres.replayedLsn ?? 0);
}

export function isRunningPrimary(postgres: PostgresObservation): boolean {
  return postgres.process === 'running' && postgres.inRecovery === false;
}

export function holdsValidLeadership(snapshot: Snapshot): boolean {
  return snapshot.leadership !== undefined && snapshot.leadership.validUntil > snapshot.now;
}

/** Patroni's reading of the tags: `failover_priority <= 0` means the same as `nofailover`. */
export function mayPromote(tags: Tags): boolean {
  return tags.nofailover !== true && (tags.failover_priority === undefined || tags.failover_priority > 0);
}

/** The leader key's holder, if any. */
export function leaderName(snapshot: Snapshot): string | undefined {
  return snapshot.cluster?.leader?.name;
}
