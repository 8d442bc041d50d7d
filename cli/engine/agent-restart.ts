// The agents' rolling restart. An agent reads its config, unit and release only when it starts,
// and stopping it stops its PostgreSQL, so restarting every agent at once would stop the whole
// cluster. Instead the plan holds one cluster-wide change that restarts the running agents one
// host at a time, replicas first and the leader last (its agent releases the leader key as it
// stops, so a replica takes over), each only once the cluster is healthy again.
import { AGENT_UNIT } from '../desired/agent-unit.js';
import type { PlannedChange } from '../plan/plan.js';
import { CLUSTER, readByAgentAtStart, type DesiredResource } from '../resources/desired-resource.js';
import { runServiceAction } from '../resources/service.js';
import type { ApplyContext } from '../resources/resource-handler.js';
import type { ObservedService } from '../resources/service.js';
import { LEADER_ROLES } from '../transport/cluster-access.js';
import type { Digester } from './digest.js';

export const AGENT_RESTART_ID = `${CLUSTER}/agent_restart/${AGENT_UNIT}`;

/**
 * The rolling restart the planned changes call for, if any agent they touch runs now; also for an
 * agent that runs on files changed since it started (say, an apply that stopped before its
 * restart). Pure.
 */
export function agentRestartChange(
  changes: readonly PlannedChange[],
  desired: readonly DesiredResource[],
  observed: ReadonlyMap<string, unknown>,
  digest: Digester['of'],
): PlannedChange | undefined {
  const restarting = new Set(desired.filter(readByAgentAtStart).map((r) => r.id));
  const triggers = changes.filter((c) => restarting.has(c.id));
  const agent = (host: string): ObservedService | undefined => observed.get(`${host}/service/${AGENT_UNIT}`) as ObservedService | undefined;
  const running = (host: string): boolean => agent(host)?.active === 'active';
  const stale = desired.filter((r) => r.kind === 'service' && r.unit === AGENT_UNIT && (agent(r.host)?.changedSinceStart?.length ?? 0) > 0).map((r) => r.host);
  const hosts = [...new Set([...triggers.map((c) => c.host), ...stale])].filter(running).sort();
  if (hosts.length === 0) return undefined;
  const because = [
    ...triggers.filter((c) => hosts.includes(c.host)).map((c) => `${c.host}: ${c.kind.replace('_', ' ')} ${c.name}`),
    ...stale.filter((host) => hosts.includes(host)).map((host) => `${host}: the agent started before ${agent(host)!.changedSinceStart!.join(', ')} changed`),
  ];
  return {
    id: AGENT_RESTART_ID,
    host: CLUSTER,
    kind: 'agent_restart',
    name: AGENT_UNIT,
    stage: 'agent',
    action: 'update',
    details: [
      `restart the running agent on ${hosts.join(', ')}, one host at a time once the cluster is healthy: replicas first, the leader last`,
      'where the leader is among them, its PostgreSQL stops with its agent and a replica takes over (a switchover)',
      `because of: ${because.join('; ')}`,
    ],
    hosts,
    after: changes.filter((c) => hosts.includes(c.host) && (restarting.has(c.id) || c.stage === 'agent')).map((c) => c.id),
    desired_digest: digest({ restart: hosts }),
  };
}

/** Restarts the agents in turn; stops at the first host the cluster is not healthy enough to lose. */
export async function restartAgentsInTurn(hosts: readonly string[], context: ApplyContext, waitHealthy: (purpose: string) => Promise<boolean>): Promise<string> {
  const members = await context.cluster.members();
  const leader = members?.find((m) => LEADER_ROLES.has(m.role))?.name;
  const order = [...hosts.filter((h) => h !== leader), ...hosts.filter((h) => h === leader)];
  for (const [index, host] of order.entries()) {
    if (!(await waitHealthy(`before restarting pgha-agent on ${host}`))) {
      const left = order.slice(index).join(', ');
      throw new Error(`the cluster was not healthy, so the agent was not restarted on ${left}; the next plan shows that restart again`);
    }
    await runServiceAction(context, host, { unit: AGENT_UNIT, verb: 'try-restart' });
  }
  return `restarted in this order: ${order.map((h) => (h === leader ? `${h} (leader)` : h)).join(', ')}`;
}
