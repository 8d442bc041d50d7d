// A plan is data: every change apply would make, each with digests of what it was built from, so
// a saved plan can be checked for staleness before it is carried out. It never holds a secret.
// Its shape is schemas/plan.schema.json (types generated into the agent's contract module).
import type { Change, Plan } from '../../agent/contract/schema-types.js';

export type { Plan };
export type PlannedChange = Change;
export type PlanSpecSource = Plan['spec'];
export type PlanSummary = Plan['summary'];

export const PLAN_FORMAT = 2;

export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.length > 0;
}

/** What a change is to, in words: "file /etc/default/etcd", "etcd tls cutover etcd.service". */
export function changeSubject(change: Pick<PlannedChange, 'kind' | 'name'>): string {
  return `${change.kind.replaceAll('_', ' ')} ${change.name}`;
}

/** How the plan and apply's progress name a change: "c1: file /etc/default/etcd". */
export function changeTitle(change: Pick<PlannedChange, 'host' | 'kind' | 'name'>): string {
  return `${change.host}: ${changeSubject(change)}`;
}
