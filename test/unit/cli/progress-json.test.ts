import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../cli/engine/engine-events.js';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import { eventLine, planLine, summaryLine } from '../../../cli/views/progress-json.js';
import { bareObserved, labDesired, LAB_PLAN_HEADER, SECRET_VALUES, TEST_DIGEST } from '../provisioner/lab-desired.js';

const AT = new Date('2026-12-02T10:00:00.000Z');
const desired = labDesired().resources;
const plan = buildPlan(LAB_PLAN_HEADER, desired, new Map(desired.map((r) => [r.id, bareObserved(r)])), TEST_DIGEST.of);
const change = plan.changes.find((c) => c.kind === 'file' && c.name.endsWith('agent.yaml'))!;

describe('apply --json lines', () => {
  it('are one JSON object each, typed and timed, naming each change without its details', () => {
    const events: EngineEvent[] = [
      { type: 'stage', stage: 'host', changes: 12 },
      { type: 'start', change },
      { type: 'done', change, ms: 120, remark: 'reloaded' },
      { type: 'failed', change, ms: 80, error: 'exit 1' },
      { type: 'skipped', change, reason: 'c1: file failed' },
      { type: 'wait', what: 'a leader' },
      { type: 'waited', what: 'a leader', ms: 3000, ok: true, detail: 'c1 leads' },
    ];
    const lines = [planLine(plan, AT), ...events.map((e) => eventLine(e, AT)), summaryLine({ done: 1, failed: 1, skipped: 1 }, 4321, AT)];
    for (const line of lines) expect(line).not.toContain('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => p.type)).toEqual(['plan', 'stage', 'start', 'done', 'failed', 'skipped', 'wait', 'waited', 'summary']);
    for (const p of parsed) expect(p.at).toBe('2026-12-02T10:00:00.000Z');
    expect(parsed[0]).toMatchObject({ cluster: 'lab', summary: plan.summary });
    expect((parsed[0]!.changes as unknown[]).length).toBe(plan.changes.length);
    expect(parsed[3]).toEqual({ type: 'done', at: AT.toISOString(), ms: 120, remark: 'reloaded', change: { id: change.id, host: change.host, kind: 'file', name: change.name, action: 'create' } });
    expect(parsed.at(-1)).toEqual({ type: 'summary', at: AT.toISOString(), done: 1, failed: 1, skipped: 1, seconds: 4.3 });
    const all = lines.join('\n');
    for (const secret of Object.values(SECRET_VALUES)) expect(all).not.toContain(secret);
  });
});
