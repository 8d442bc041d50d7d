// The leader's synchronous replication duty (Patroni's synchronous_mode): choose the standbys a
// commit waits for, and publish in the `sync` key those that may be promoted without losing a
// commit, one safe change per step (see synchronous-plan.ts).
import type { SyncRecord } from '../../contract/dcs-records.js';
import { NO_COMMIT_RULE, renderCommitRule } from '../../postgres/synchronous-standby-names.js';
import { promotionRuleOf, type PromotionRule } from '../commit-rules.js';
import { nextSynchronousMove, type SynchronousSituation } from '../synchronous-plan.js';
import { isRunningPrimary, leaderName, type Snapshot } from '../snapshot.js';
import { verdict, type HaRule } from './ha-rule.js';

/** A standby's `sync_priority` tag: higher is chosen first; 0 or less, never (like `nosync`). */
function syncPriority(s: Snapshot, name: string): number {
  const priority = s.cluster?.members.find((m) => m.name === name)?.record.tags?.sync_priority;
  return typeof priority === 'number' ? priority : 1;
}

/** Streaming standbys that may be chosen, best first: Patroni's order. */
export function synchronousCandidates(s: Snapshot): string[] {
  const running = new Map((s.cluster?.members ?? []).filter((m) => m.record.state === 'running').map((m) => [m.name, m.record]));
  const flush = s.postgres.flushLsn ?? 0;
  const maxLag = s.settings.maximumLagOnSyncnode;
  const rows = (s.postgres.replication ?? []).filter((row) => {
    const record = running.get(row.application_name);
    if (!record || row.application_name === s.name || row.state !== 'streaming') return false;
    if (record.tags?.nosync === true || syncPriority(s, row.application_name) <= 0) return false;
    return !(maxLag > 0 && flush - (row.flushLsn ?? 0) > maxLag);
  });
  const confirming = (state: string): number => (state === 'sync' || state === 'quorum' ? 1 : 0);
  return rows
    .sort(
      (a, b) =>
        syncPriority(s, b.application_name) - syncPriority(s, a.application_name) ||
        confirming(b.sync_state) - confirming(a.sync_state) ||
        (b.flushLsn ?? 0) - (a.flushLsn ?? 0) ||
        a.application_name.localeCompare(b.application_name),
    )
    .map((row) => row.application_name);
}

/** Every member of the current commit rule has flushed past the point where it last changed. */
function confirmed(s: Snapshot): boolean {
  const rule = s.commitRule ?? NO_COMMIT_RULE;
  if (rule.any) return true;
  const since = s.commitRuleSince ?? Number.POSITIVE_INFINITY;
  const rows = new Map((s.postgres.replication ?? []).map((row) => [row.application_name, row]));
  return rule.members.every((name) => {
    const row = rows.get(name);
    return row !== undefined && row.state === 'streaming' && (row.sync_state === 'sync' || row.sync_state === 'quorum') && (row.flushLsn ?? 0) >= since;
  });
}

function syncRecord(s: Snapshot, rule: PromotionRule): SyncRecord {
  const record: SyncRecord = { leader: s.name, sync_standby: rule.standbys.length > 0 ? [...rule.standbys].sort().join(',') : null };
  return s.settings.synchronousMode === 'quorum' ? { ...record, quorum: rule.quorum } : record;
}

function situation(s: Snapshot, mode: 'on' | 'quorum', promotion: PromotionRule): SynchronousSituation {
  return {
    mode,
    strict: s.settings.synchronousModeStrict,
    count: s.settings.synchronousNodeCount,
    candidates: synchronousCandidates(s),
    others: (s.cluster?.members ?? []).map((m) => m.name).filter((name) => name !== s.name),
    commit: s.commitRule ?? NO_COMMIT_RULE,
    promotion,
    confirmed: confirmed(s),
  };
}

export const synchronousReplication: HaRule = {
  name: 'synchronous-replication',
  decide(s) {
    if (leaderName(s) !== s.name || s.leadership?.renewedThisCycle !== true || !isRunningPrimary(s.postgres)) return undefined;
    const mode = s.settings.synchronousMode;
    const sync = s.cluster?.sync;
    const since = s.postgres.flushLsn ?? 0;
    if (mode === 'off') {
      if (sync) return verdict({ kind: 'clear-sync', expectedRevision: sync.modRevision }, 'synchronous mode is off: removing the sync key');
      if (s.commitRule) return verdict({ kind: 'set-commit-rule', rule: undefined, since }, 'synchronous mode is off: synchronous_standby_names back to the configuration\'s');
      return undefined;
    }
    if (sync?.value.leader !== s.name) {
      const record = syncRecord(s, { standbys: [], quorum: 0 });
      return verdict({ kind: 'write-sync', record, expectedRevision: sync?.modRevision ?? 0 }, 'synchronous mode: the sync key now names me as the leader, with no standby yet');
    }
    const move = nextSynchronousMove(situation(s, mode, promotionRuleOf(sync.value)));
    if (move === undefined) return undefined;
    if (move.kind === 'commit') {
      return verdict({ kind: 'set-commit-rule', rule: move.rule, since }, `synchronous mode: synchronous_standby_names = '${renderCommitRule(move.rule)}'`);
    }
    const record = syncRecord(s, move.rule);
    const who = record.sync_standby ?? 'no standby';
    return verdict(
      { kind: 'write-sync', record, expectedRevision: sync.modRevision },
      `synchronous mode: ${who} may be promoted${mode === 'quorum' ? ` with ${move.rule.quorum} other vote(s)` : ''}`,
    );
  },
};
