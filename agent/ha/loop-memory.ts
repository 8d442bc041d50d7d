// What the HA loop remembers between cycles, beyond what it can observe again.
import type { FailsafeActivity } from './failsafe.js';
import type { CommitRule } from '../postgres/synchronous-standby-names.js';

export interface LoopMemory {
  /** Our belief that we hold the leader key, until this monotonic time. */
  leaderUntil: number | undefined;
  /** We ran as primary since the last rejoin: pg_rewind before following another leader. */
  wasPrimary: boolean;
  /** We stopped our PostgreSQL ourselves to step down, and it has not run since. */
  steppedDown: boolean;
  /** The last pg_rewind failed. */
  rewindFailed: boolean;
  /** When our PostgreSQL was first seen down while we led. */
  primaryDownSince: number | undefined;
  /** When a due switchover request was first seen while we led. */
  switchoverPendingSince: number | undefined;
  /** The synchronous_standby_names this member sets while it leads in synchronous mode; undefined: the configuration's. */
  commitRule: CommitRule | undefined;
  /** The primary's flush position when the commit rule last changed: its standbys have caught up once past it. */
  commitRuleSince: number | undefined;
  /** Failsafe mode in force: kept by confirmations while leading, or a primary confirmed. */
  failsafe: FailsafeActivity | undefined;
}

export function freshMemory(): LoopMemory {
  return {
    leaderUntil: undefined,
    wasPrimary: false,
    steppedDown: false,
    rewindFailed: false,
    primaryDownSince: undefined,
    switchoverPendingSince: undefined,
    commitRule: undefined,
    commitRuleSince: undefined,
    failsafe: undefined,
  };
}
