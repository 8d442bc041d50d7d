// `pgha apply --json`: one JSON object per line on stdout, as each thing happens, for machines
// (Terraform's `apply -json` in spirit). Every line has `type` and `at` (ISO 8601).
import type { EngineEvent } from '../engine/engine-events.js';
import type { Plan, PlannedChange } from '../plan/plan.js';

type ChangeRef = Pick<PlannedChange, 'id' | 'host' | 'kind' | 'name' | 'action'>;

export type ApplyLine =
  | { type: 'plan'; at: string; cluster: string; summary: Plan['summary']; changes: ChangeRef[] }
  | (Omit<EngineEvent, 'change'> & { at: string; change?: ChangeRef })
  | { type: 'summary'; at: string; done: number; failed: number; skipped: number; seconds: number };

const changeRef = ({ id, host, kind, name, action }: PlannedChange): ChangeRef => ({ id, host, kind, name, action });

export function planLine(plan: Plan, at: Date): string {
  return JSON.stringify({ type: 'plan', at: at.toISOString(), cluster: plan.cluster, summary: plan.summary, changes: plan.changes.map(changeRef) } satisfies ApplyLine);
}

export function eventLine(event: EngineEvent, at: Date): string {
  const line = 'change' in event ? { ...event, at: at.toISOString(), change: changeRef(event.change) } : { ...event, at: at.toISOString() };
  return JSON.stringify(line satisfies ApplyLine);
}

export function summaryLine(counts: { done: number; failed: number; skipped: number }, ms: number, at: Date): string {
  return JSON.stringify({ type: 'summary', at: at.toISOString(), ...counts, seconds: Math.round(ms / 100) / 10 } satisfies ApplyLine);
}
