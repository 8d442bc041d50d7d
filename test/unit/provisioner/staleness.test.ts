import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../cli/plan/plan.js';
import { staleReasons } from '../../../cli/plan/staleness.js';

const base: Plan = {
  format_version: 2,
  pgha_version: '0.1.0',
  created_at: '2026-11-23T00:00:00.000Z',
  cluster: 'lab',
  spec: { file: 'cluster.yaml', ref: 'main', commit: 'c'.repeat(40), digest: 'a'.repeat(64) },
  digest_key: 'e'.repeat(64),
  changes: [{ id: 'c1/file//etc/x', host: 'c1', kind: 'file', name: '/etc/x', stage: 'host', action: 'update', details: [], values: { before: null, after: null }, after: [], desired_digest: '1'.repeat(64) }],
  observed: { 'c1/file//etc/x': '2'.repeat(64), 'c2/package/haproxy': '3'.repeat(64) },
  notices: [],
  warnings: [],
  summary: { add: 0, change: 1, destroy: 0 },
};

describe('a saved plan', () => {
  it('is current when the spec and everything it observed are unchanged', () => {
    expect(staleReasons(base, structuredClone(base))).toEqual([]);
  });

  it('is stale when the spec moved to another commit', () => {
    expect(staleReasons(base, { ...base, spec: { ...base.spec, commit: 'd'.repeat(40) } })).toEqual([`the spec's commit is now dddddddddddd, the plan was made at cccccccccccc`]);
  });

  it('is stale when any observed resource changed, even one it does not change', () => {
    expect(staleReasons(base, { ...base, observed: { ...base.observed, 'c2/package/haproxy': '4'.repeat(64) } })).toEqual(['c2/package/haproxy changed since the plan read it']);
  });

  it('cannot be checked with another digest key, and says how plan and apply share one', () => {
    expect(staleReasons(base, { ...structuredClone(base), digest_key: 'f'.repeat(64) })).toEqual([
      "it was made with another digest key than this machine's, so what it observed cannot be compared: run plan and apply where PGHA_DIGEST_KEY_FILE names the same key file",
    ]);
  });

  it('is stale when a change would now be made differently (a secret changed)', () => {
    const fresh = structuredClone(base);
    fresh.changes[0]!.desired_digest = '5'.repeat(64);
    expect(staleReasons(base, fresh)).toEqual(['c1/file//etc/x would now be made differently']);
  });
});
