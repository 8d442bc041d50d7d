// The leader's way from one synchronous replication state to another: one safe change at a time,
// and no change that lets more members be promoted before the current commit rule has caught up.
import { describe, expect, it } from 'vitest';
import { commitsSurvivePromotion, type PromotionRule } from '../../../agent/ha/commit-rules.js';
import { nextSynchronousMove, synchronousTarget, type SynchronousSituation } from '../../../agent/ha/synchronous-plan.js';
import { ANY_STANDBY, NO_COMMIT_RULE, parseCommitRule, renderCommitRule, type CommitRule } from '../../../agent/postgres/synchronous-standby-names.js';

const OTHERS = ['a', 'b', 'c'];
const first = (...members: string[]): CommitRule => ({ members, count: members.length, quorum: false, any: false });
const any = (count: number, ...members: string[]): CommitRule => ({ members, count, quorum: true, any: false });
const promotable = (quorum: number, ...standbys: string[]): PromotionRule => ({ standbys, quorum });

function situation(overrides: Partial<SynchronousSituation>): SynchronousSituation {
  return { mode: 'on', strict: false, count: 1, candidates: [], others: OTHERS, commit: NO_COMMIT_RULE, promotion: promotable(0), confirmed: true, ...overrides };
}

describe('synchronous_standby_names', () => {
  it('is written and read back in Patroni\'s forms', () => {
    expect(renderCommitRule(first('b'))).toBe('b');
    expect(renderCommitRule(first('pg-2', 'a'))).toBe('2 (a,"pg-2")');
    expect(renderCommitRule(any(1, 'c', 'b'))).toBe('ANY 1 (b,c)');
    expect(renderCommitRule(ANY_STANDBY)).toBe('*');
    expect(renderCommitRule(NO_COMMIT_RULE)).toBe('');
    for (const rule of [first('b'), first('pg-2', 'a'), any(1, 'b', 'c'), ANY_STANDBY, NO_COMMIT_RULE]) {
      expect(renderCommitRule(parseCommitRule(renderCommitRule(rule))!)).toBe(renderCommitRule(rule));
    }
    expect(parseCommitRule('FIRST 1 (a, b)')).toBeUndefined();
  });
});

describe('whether a commit survives a promotion', () => {
  it('holds when every standby that may be promoted confirms every commit', () => {
    expect(commitsSurvivePromotion(first('a'), promotable(0, 'a'), OTHERS)).toBe(true);
    expect(commitsSurvivePromotion(first('a'), promotable(0, 'a', 'b'), OTHERS)).toBe(false);
    expect(commitsSurvivePromotion(NO_COMMIT_RULE, promotable(0, 'a'), OTHERS)).toBe(false);
    expect(commitsSurvivePromotion(NO_COMMIT_RULE, promotable(0), OTHERS)).toBe(true);
  });

  it('holds in quorum mode when a promotion hears from enough of the voters', () => {
    expect(commitsSurvivePromotion(any(1, 'a', 'b'), promotable(1, 'a', 'b'), OTHERS)).toBe(true);
    expect(commitsSurvivePromotion(any(1, 'a', 'b'), promotable(0, 'a', 'b'), OTHERS)).toBe(false);
    expect(commitsSurvivePromotion(any(2, 'a', 'b'), promotable(0, 'a', 'b'), OTHERS)).toBe(true);
    expect(commitsSurvivePromotion(any(1, 'a', 'b'), promotable(2, 'a', 'b', 'c'), OTHERS)).toBe(true);
    expect(commitsSurvivePromotion(any(1, 'a', 'b'), promotable(1, 'a', 'b', 'c'), OTHERS)).toBe(false);
  });
});

describe('the next change', () => {
  it('names a standby for commits first, and makes it promotable only once it has caught up', () => {
    const start = situation({ candidates: ['a', 'b'] });
    expect(nextSynchronousMove(start)).toEqual({ kind: 'commit', rule: first('a') });
    expect(nextSynchronousMove({ ...start, commit: first('a'), confirmed: false })).toBeUndefined();
    expect(nextSynchronousMove({ ...start, commit: first('a') })).toEqual({ kind: 'promotion', rule: promotable(0, 'a') });
    expect(nextSynchronousMove({ ...start, commit: first('a'), promotion: promotable(0, 'a') })).toBeUndefined();
  });

  it('replaces a standby by taking it out of the sync key before out of the commit rule', () => {
    const now = situation({ candidates: ['b'], commit: first('a'), promotion: promotable(0, 'a'), confirmed: false });
    expect(nextSynchronousMove(now)).toEqual({ kind: 'promotion', rule: promotable(0) });
    expect(nextSynchronousMove({ ...now, promotion: promotable(0) })).toEqual({ kind: 'commit', rule: first('b') });
  });

  it('in strict mode with no standby, makes commits wait for any standby', () => {
    expect(synchronousTarget({ mode: 'on', strict: true, count: 1, candidates: [] })).toEqual({ commit: ANY_STANDBY, promotion: promotable(0) });
    expect(nextSynchronousMove(situation({ strict: true, commit: first('a'), promotion: promotable(0, 'a') }))).toEqual({ kind: 'promotion', rule: promotable(0) });
  });

  it('in quorum mode, adds a voter to the sync key, raising its quorum, before the commit rule counts it', () => {
    const now = situation({ mode: 'quorum', candidates: ['a', 'b'], commit: any(1, 'a'), promotion: promotable(0, 'a') });
    expect(synchronousTarget(now)).toEqual({ commit: any(1, 'a', 'b'), promotion: promotable(1, 'a', 'b') });
    const step = nextSynchronousMove(now);
    expect(step).toEqual({ kind: 'promotion', rule: promotable(1, 'a', 'b') });
  });

  it('reaches any wanted state through safe states only, waiting for confirmation before it widens promotions', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const subset = (): string[] => OTHERS.filter(() => random(2) === 1);
    for (let run = 0; run < 300; run++) {
      const mode = random(2) === 0 ? 'on' : 'quorum';
      const goal = { mode, strict: random(2) === 1, count: 1 + random(2), candidates: subset() } as const;
      let state: SynchronousSituation = situation({ ...goal, commit: NO_COMMIT_RULE, promotion: promotable(0) });
      const target = synchronousTarget(goal);
      let widenedUnconfirmed = false;
      for (let moves = 0; moves < 12; moves++) {
        const confirmed = random(3) !== 0;
        const move = nextSynchronousMove({ ...state, confirmed });
        if (move === undefined) {
          if (confirmed) break;
          continue;
        }
        if (move.kind === 'promotion' && !confirmed && move.rule.standbys.some((name) => !state.promotion.standbys.includes(name))) widenedUnconfirmed = true;
        state = move.kind === 'commit' ? { ...state, commit: move.rule } : { ...state, promotion: move.rule };
        expect(commitsSurvivePromotion(state.commit, state.promotion, OTHERS), `run ${run}: ${JSON.stringify(state)}`).toBe(true);
      }
      expect(widenedUnconfirmed, `run ${run}`).toBe(false);
      expect(renderCommitRule(state.commit), `run ${run}`).toBe(renderCommitRule(target.commit));
      expect([...state.promotion.standbys].sort(), `run ${run}`).toEqual([...target.promotion.standbys].sort());
      expect(state.promotion.quorum, `run ${run}`).toBe(target.promotion.quorum);
    }
  });
});
