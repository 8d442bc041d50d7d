import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../cli/plan/plan.js';
import { painter } from '../../../cli/views/paint.js';
import { planText } from '../../../cli/views/plan-text.js';

const plan = (changes: Plan['changes'], summary: Plan['summary']): Plan => ({
  format_version: 2,
  pgha_version: '0.1.0',
  created_at: '2026-11-23T00:00:00.000Z',
  cluster: 'lab',
  spec: { file: 'cluster.yaml', digest: 'a'.repeat(64) },
  digest_key: 'e'.repeat(64),
  changes,
  observed: {},
  notices: [],
  warnings: [],
  summary,
});

const change = (action: Plan['changes'][number]['action'], name: string, extra: Partial<Plan['changes'][number]> = {}): Plan['changes'][number] => ({
  id: `c1/file/${name}`, host: 'c1', kind: 'file', name, stage: 'host', action, details: [], values: { before: null, after: null }, after: [], desired_digest: 'd'.repeat(64), ...extra,
});

describe('the plan as text', () => {
  it('prints one symbol per action, details and diffs beneath, restarts, and the summary line', () => {
    const text = planText(
      plan(
        [
          change('create', '/etc/a', { details: ['mode 644, owner root:root'], diff: '@@ -0,0 +1 @@\n+hello' }),
          change('update', '/etc/b'),
          change('replace', '/etc/c'),
          change('delete', '/etc/d', { restart_needed: ['max_connections'] }),
        ],
        { add: 2, change: 1, destroy: 2 },
      ),
      painter(false),
    );
    expect(text).toContain('\n    + c1: file /etc/a\n        mode 644, owner root:root\n        @@ -0,0 +1 @@\n        +hello\n');
    expect(text).toContain('\n    ~ c1: file /etc/b\n');
    expect(text).toContain('\n  -/+ c1: file /etc/c\n');
    expect(text).toContain('\n    - c1: file /etc/d\n        ! PostgreSQL needs a restart for: max_connections (the postgres rolling restart below)\n');
    expect(text).toContain('\nPlan: 2 to add, 1 to change, 2 to destroy.\n');
  });

  it('says so when nothing changes', () => {
    expect(planText(plan([], { add: 0, change: 0, destroy: 0 }), painter(false))).toBe('No changes. The cluster matches the spec.\n');
  });
});
