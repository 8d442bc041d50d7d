// A rolling restart as one cluster-wide change: a service that reads some of its files only when
// it starts (the agent, etcd) runs stale after they change, and restarting it on every host at
// once would stop what it serves. The change restarts it on the hosts where it runs, one at a
// time; each kind says in what order and what it waits for in between.
import { changeTitle, type PlannedChange } from '../plan/plan.js';
import { CLUSTER, type DesiredResource, type Stage } from '../resources/desired-resource.js';
import type { ObservedService } from '../resources/service.js';
import type { Digester } from './digest.js';

export interface RollingService {
  kind: 'agent_restart' | 'etcd_restart';
  unit: string;
  /** What the plan calls it: "the agent", "etcd". */
  called: string;
  stage: Stage;
  /** A resource whose change calls for the restart. */
  readAtStart(resource: DesiredResource): boolean;
  /** The plan's lines on what happens, before its "because of". */
  explain(hosts: readonly string[]): string[];
}

export const rollingRestartId = (service: RollingService): string => `${CLUSTER}/${service.kind}/${service.unit}`;

/**
 * The rolling restart the planned changes call for, if the service runs on a host they touch;
 * also where it runs on files changed since it started (say, an apply that stopped before its
 * restart). Pure.
 */
export function rollingRestartChange(
  service: RollingService,
  changes: readonly PlannedChange[],
  desired: readonly DesiredResource[],
  observed: ReadonlyMap<string, unknown>,
  digest: Digester['of'],
): PlannedChange | undefined {
  const restarting = new Set(desired.filter(service.readAtStart).map((r) => r.id));
  const triggers = changes.filter((c) => restarting.has(c.id));
  const seen = (host: string): ObservedService | undefined => observed.get(`${host}/service/${service.unit}`) as ObservedService | undefined;
  const running = (host: string): boolean => seen(host)?.active === 'active';
  const stale = desired.filter((r) => r.kind === 'service' && r.unit === service.unit && (seen(r.host)?.changedSinceStart?.length ?? 0) > 0).map((r) => r.host);
  const hosts = [...new Set([...triggers.map((c) => c.host), ...stale])].filter(running).sort();
  if (hosts.length === 0) return undefined;
  const because = [
    ...triggers.filter((c) => hosts.includes(c.host)).map((c) => changeTitle(c)),
    ...stale.filter((host) => hosts.includes(host)).map((host) => `${host}: ${service.called} started before ${seen(host)!.changedSinceStart!.join(', ')} changed`),
  ];
  return {
    id: rollingRestartId(service),
    host: CLUSTER,
    kind: service.kind,
    name: service.unit,
    stage: service.stage,
    action: 'update',
    details: [...service.explain(hosts), `because of: ${because.join('; ')}`],
    values: { before: { unit: service.unit, pending_restart: hosts }, after: { unit: service.unit, pending_restart: [] } },
    hosts,
    after: changes.filter((c) => hosts.includes(c.host) && (restarting.has(c.id) || c.stage === service.stage)).map((c) => c.id),
    desired_digest: digest({ restart: hosts, unit: service.unit }),
  };
}
