// buildPlan: desired resources and what refresh observed → the plan (with the rolling restarts of
// etcd and of the agents its changes call for). Pure: no I/O, no clock.
import type { Plan, PlannedChange, PlanSummary } from '../plan/plan.js';
import { handlerOf } from '../resources/handlers.js';
import { planKind, resourceName, type DesiredResource } from '../resources/desired-resource.js';
import { AGENT_RESTART } from './agent-restart.js';
import type { Digester } from './digest.js';
import { ETCD_RESTART } from './etcd-restart.js';
import { rollingRestartChange } from './rolling-restart.js';

export type PlanHeader = Omit<Plan, 'changes' | 'observed' | 'notices' | 'summary'>;

function summarize(changes: readonly PlannedChange[]): PlanSummary {
  const count = (...actions: string[]): number => changes.filter((c) => actions.includes(c.action)).length;
  return { add: count('create', 'replace'), change: count('update'), destroy: count('delete', 'replace') };
}

/** `digest` keys every digest the plan holds (see digest.ts); its key's id is in the header. */
export function buildPlan(header: PlanHeader, desired: readonly DesiredResource[], observed: ReadonlyMap<string, unknown>, digest: Digester['of']): Plan {
  const changes: PlannedChange[] = [];
  const notices: string[] = [];
  for (const resource of desired) {
    const handler = handlerOf(resource);
    const seen = observed.get(resource.id);
    const notice = handler.notice?.(resource, seen);
    // Several resources of one departed host may say the same thing about it.
    if (notice && !notices.includes(notice)) notices.push(notice);
    const change = handler.diff(resource, seen);
    if (!change) continue;
    changes.push({
      id: resource.id,
      host: resource.host,
      kind: planKind(resource),
      name: change.name ?? resourceName(resource),
      stage: resource.stage,
      action: change.action,
      details: change.details,
      ...(change.diff !== undefined && { diff: change.diff }),
      ...(change.restartNeeded && { restart_needed: change.restartNeeded }),
      values: change.values,
      after: resource.after,
      desired_digest: digest(resource),
    });
  }
  for (const service of [ETCD_RESTART, AGENT_RESTART]) {
    const restart = rollingRestartChange(service, changes, desired, observed, digest);
    if (restart) changes.push(restart);
  }
  const planned = new Set(changes.map((c) => c.id));
  for (const change of changes) change.after = change.after.filter((id) => planned.has(id));
  const observedDigests = Object.fromEntries(desired.map((r) => [r.id, digest(observed.get(r.id))]));
  return { ...header, changes, observed: observedDigests, notices, summary: summarize(changes) };
}
