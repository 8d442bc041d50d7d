// The two halves of synchronous replication, as sets of members. PostgreSQL's
// synchronous_standby_names says who must confirm a commit (the commit rule); the `sync` key says
// who may be promoted and, in quorum mode, how many others it must hear from (the promotion rule).
// No acknowledged commit is lost as long as every set of members that can confirm a commit
// meets every set of members a promotion consults.
import { renderCommitRule, type CommitRule } from '../postgres/synchronous-standby-names.js';

/** A member of `standbys` may be promoted once `quorum` other members of it say they are not ahead. */
export interface PromotionRule {
  standbys: readonly string[];
  quorum: number;
}

/** The sync key's standbys, as a list. */
export function promotionRuleOf(record: { sync_standby: string | null; quorum?: number } | undefined): PromotionRule {
  const standbys = (record?.sync_standby ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  return { standbys, quorum: typeof record?.quorum === 'number' ? record.quorum : 0 };
}

/**
 * Whether every commit confirmed under `commit` is on at least one member of every set a
 * promotion under `promotion` consults (a standby and `quorum` others of the sync key). `others`
 * are the standbys `*` stands for.
 */
export function commitsSurvivePromotion(commit: CommitRule, promotion: PromotionRule, others: readonly string[]): boolean {
  const consulted = promotion.quorum + 1;
  if (consulted > promotion.standbys.length) return true;
  const confirmers = new Set(commit.any ? others : commit.members);
  const outside = promotion.standbys.filter((name) => !confirmers.has(name)).length;
  // The fewest confirmers a promotion can consult; a commit can avoid all of them if enough confirmers are left.
  const inside = Math.max(0, consulted - outside);
  return confirmers.size - inside < commit.count;
}

export function sameCommitRule(a: CommitRule, b: CommitRule): boolean {
  return renderCommitRule(a) === renderCommitRule(b);
}

export function samePromotionRule(a: PromotionRule, b: PromotionRule): boolean {
  return a.quorum === b.quorum && [...a.standbys].sort().join(',') === [...b.standbys].sort().join(',');
}

/** A promotion rule that admits no promotion the other did not: it only narrows. */
export function narrows(next: PromotionRule, current: PromotionRule): boolean {
  return next.standbys.every((name) => current.standbys.includes(name)) && next.quorum >= current.quorum;
}
