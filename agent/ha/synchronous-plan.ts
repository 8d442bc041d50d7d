// Where the leader takes synchronous replication next: the commit rule and the promotion rule it
// wants (Patroni's choice of standbys), and the one change to make now on the way there. Each
// change keeps every confirmed commit on a member any promotion would consult; a change that lets
// more promotions happen waits until every member of the current commit rule has caught up with
// the last change of it, so commits confirmed under an earlier rule are covered too.
import { ANY_STANDBY, NO_COMMIT_RULE, renderCommitRule, type CommitRule } from '../postgres/synchronous-standby-names.js';
import { commitsSurvivePromotion, narrows, sameCommitRule, samePromotionRule, type PromotionRule } from './commit-rules.js';

export interface SynchronousSituation {
  mode: 'on' | 'quorum';
  strict: boolean;
  /** synchronous_node_count. */
  count: number;
  /** The standbys that may be chosen, best first. */
  candidates: readonly string[];
  /** Every other member: whom `*` stands for. */
  others: readonly string[];
  commit: CommitRule;
  promotion: PromotionRule;
  /** Every member of the current commit rule flushed past the point where it last changed. */
  confirmed: boolean;
}

export type SynchronousMove = { kind: 'commit'; rule: CommitRule } | { kind: 'promotion'; rule: PromotionRule };

export function synchronousTarget(s: Pick<SynchronousSituation, 'mode' | 'strict' | 'count' | 'candidates'>): { commit: CommitRule; promotion: PromotionRule } {
  const none = s.strict ? ANY_STANDBY : NO_COMMIT_RULE;
  if (s.mode === 'on') {
    const picked = s.candidates.slice(0, s.count);
    return { commit: picked.length > 0 ? { members: picked, count: picked.length, quorum: false, any: false } : none, promotion: { standbys: picked, quorum: 0 } };
  }
  const voters = [...s.candidates];
  const count = Math.min(s.count, voters.length);
  return {
    commit: voters.length > 0 ? { members: voters, count, quorum: true, any: false } : none,
    promotion: { standbys: voters, quorum: voters.length - count },
  };
}

interface State {
  commit: CommitRule;
  promotion: PromotionRule;
}

const key = (state: State): string => `${renderCommitRule(state.commit)}|${[...state.promotion.standbys].sort().join(',')}:${state.promotion.quorum}`;

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function distinctSets(sets: readonly (readonly string[])[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const set of sets) seen.set([...set].sort().join(','), [...set]);
  return [...seen.values()];
}

/** The rules a single change may lead to: built from the current and wanted members, their union and intersection. */
function reachableRules(s: SynchronousSituation, target: State): { commits: CommitRule[]; promotions: PromotionRule[] } {
  // `n (a,b)` waits for all of them: in that mode a union could wait for a standby that is gone.
  const commitSets = distinctSets([s.commit.members, target.commit.members, ...(s.mode === 'quorum' ? [union(s.commit.members, target.commit.members)] : [])]);
  const promotionSets = distinctSets([
    s.promotion.standbys,
    target.promotion.standbys,
    union(s.promotion.standbys, target.promotion.standbys),
    s.promotion.standbys.filter((name) => target.promotion.standbys.includes(name)),
  ]);
  const counts = (size: number): number[] => (s.mode === 'on' ? [size] : Array.from({ length: size }, (_, i) => i + 1));
  const commits = [target.commit, NO_COMMIT_RULE, ...commitSets.filter((set) => set.length > 0).flatMap((set) => counts(set.length).map((count) => ({ members: set, count, quorum: s.mode === 'quorum', any: false })))];
  const quorums = (size: number): number[] => (s.mode === 'on' ? [0] : Array.from({ length: size + 1 }, (_, i) => i));
  const promotions = promotionSets.flatMap((set) => quorums(set.length).map((quorum) => ({ standbys: set, quorum })));
  return { commits, promotions };
}

/**
 * The first change on the shortest way to the wanted rules that never passes through a state
 * where a confirmed commit could be lost; undefined when there is nothing to do, or no safe way yet.
 */
export function nextSynchronousMove(s: SynchronousSituation): SynchronousMove | undefined {
  const target = synchronousTarget(s);
  const start: State = { commit: s.commit, promotion: s.promotion };
  if (sameCommitRule(start.commit, target.commit) && samePromotionRule(start.promotion, target.promotion)) return undefined;
  const { commits, promotions } = reachableRules(s, target);
  const safe = (state: State): boolean => commitsSurvivePromotion(state.commit, state.promotion, s.others);
  const seen = new Set([key(start)]);
  let frontier: { state: State; first: SynchronousMove | undefined }[] = [{ state: start, first: undefined }];
  for (let depth = 0; depth < 6 && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const { state, first } of frontier) {
      // Promotion changes first: of two ways as short, the one that narrows promotions before commits wait for more.
      const moves: SynchronousMove[] = [...promotions.map((rule) => ({ kind: 'promotion' as const, rule })), ...commits.map((rule) => ({ kind: 'commit' as const, rule }))];
      for (const move of moves) {
        // Until the commit rule is confirmed, the promotion rule may only narrow.
        if (first === undefined && move.kind === 'promotion' && !s.confirmed && !narrows(move.rule, state.promotion)) continue;
        const reached: State = move.kind === 'commit' ? { ...state, commit: move.rule } : { ...state, promotion: move.rule };
        const id = key(reached);
        if (seen.has(id) || !safe(reached)) continue;
        seen.add(id);
        const way = first ?? move;
        if (sameCommitRule(reached.commit, target.commit) && samePromotionRule(reached.promotion, target.promotion)) return way;
        next.push({ state: reached, first: way });
      }
    }
    frontier = next;
  }
  return undefined;
}
