// Carries out a plan against the resources refresh rendered for it.
import type { Plan } from '../plan/plan.js';
import type { DesiredResource } from '../resources/desired-resource.js';
import { handlerOf } from '../resources/handlers.js';
import type { ApplyContext } from '../resources/resource-handler.js';
import { restartAgentsInTurn } from './agent-restart.js';
import { restartEtcdInTurn } from './etcd-restart.js';
import type { ClusterGate } from './cluster-gate.js';
import type { EventSink } from './engine-events.js';
import { walkChanges, type WalkResult } from './walk-changes.js';

export interface ApplyOptions {
  parallelism: number;
  gate: ClusterGate;
  emit: EventSink;
  now: () => number;
}

export function applyPlan(
  plan: Plan,
  desired: readonly DesiredResource[],
  observed: ReadonlyMap<string, unknown>,
  context: ApplyContext,
  options: ApplyOptions,
): Promise<WalkResult> {
  const byId = new Map(desired.map((r) => [r.id, r]));
  return walkChanges(
    plan.changes,
    async (change) => {
      if (change.kind === 'agent_restart') return restartAgentsInTurn(change.hosts ?? [], context);
      if (change.kind === 'etcd_restart') return restartEtcdInTurn(change.hosts ?? [], context);
      const resource = byId.get(change.id);
      if (!resource) throw new Error(`${change.id} is no longer part of the spec`);
      return handlerOf(resource).apply(resource, observed.get(change.id), context);
    },
    options,
  );
}
