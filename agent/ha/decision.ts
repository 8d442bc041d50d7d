// What a rule decides: one action and a stable sentence saying why, logged every cycle and
// shown in `GET /patroni` (`pgha.last_decision`).
import type { SyncRecord } from '../contract/dcs-records.js';
import type { CommitRule } from '../postgres/synchronous-standby-names.js';
import type { DemoteMode } from './demote-modes.js';

/** Quick steps on etcd, other members or the watchdog; the loop carries them out and decides again. */
export type StepAction =
  | { kind: 'renew-leader' }
  | { kind: 'acquire-leader' }
  | { kind: 'release-leader' }
  | { kind: 'gather-peers' }
  | { kind: 'clear-failover' }
  /** POST /failsafe to every member the failsafe key lists: a primary cut off from etcd stays primary only if all confirm it. */
  | { kind: 'confirm-failsafe' }
  /** Ask the leader's PostgreSQL for its timeline and history, to settle a suspected divergence. */
  | { kind: 'inspect-leader' }
  /** Open the watchdog before leading without it. */
  | { kind: 'arm-watchdog' }
  /** Compare-and-swap of the `sync` key on its revision (0: absent). */
  | { kind: 'write-sync'; record: SyncRecord; expectedRevision: number }
  | { kind: 'clear-sync'; expectedRevision: number }
  /** Who must confirm a commit (undefined: the configuration's own value), from the primary's flush position `since`. */
  | { kind: 'set-commit-rule'; rule: CommitRule | undefined; since: number };

/** Actions on PostgreSQL; long ones run as a task off the loop. */
export type PostgresAction =
  /** Race for `initialize`; the winner runs initdb and takes the leader key. */
  | { kind: 'bootstrap' }
  | { kind: 'clone'; from: string }
  | { kind: 'promote' }
  | { kind: 'demote'; mode: DemoteMode }
  | { kind: 'start-primary' }
  | { kind: 'start-replica'; leader: string | undefined }
  | { kind: 'rewind'; from: string }
  | { kind: 'reinitialize'; from: string }
  | { kind: 'follow'; leader: string };

export type Action = { kind: 'none' } | StepAction | PostgresAction;

export interface Decision {
  /** The rule that decided. */
  rule: string;
  action: Action;
  reason: string;
}

export function isStepAction(action: Action): action is StepAction {
  return ['renew-leader', 'acquire-leader', 'release-leader', 'gather-peers', 'clear-failover', 'confirm-failsafe', 'inspect-leader', 'arm-watchdog', 'write-sync', 'clear-sync', 'set-commit-rule'].includes(action.kind);
}

export const NONE: Action = { kind: 'none' };
