// The agents' rolling restart. An agent reads its config, unit and release only when it starts,
// and stopping it stops its PostgreSQL, so restarting every agent at once would stop the whole
// cluster. Instead the running agents restart one host at a time, replicas first and the leader
// last (its agent releases the leader key as it stops, so a replica takes over), each only once
// the cluster is healthy again. After each restart the host's new agent must answer itself: the
// member records in etcd may still show what the old one wrote. The last restart is followed by a
// wait for a healthy cluster too, so an apply ends on one.
import { AGENT_UNIT } from '../desired/agent-unit.js';
import { readByAgentAtStart } from '../resources/desired-resource.js';
import { runServiceAction } from '../resources/service.js';
import type { ApplyContext } from '../resources/resource-handler.js';
import { LEADER_ROLES } from '../transport/cluster-access.js';
import { rollingRestartId, type RollingService } from './rolling-restart.js';

export const AGENT_RESTART: RollingService = {
  kind: 'agent_restart',
  unit: AGENT_UNIT,
  called: 'the agent',
  stage: 'agent',
  readAtStart: readByAgentAtStart,
  explain: (hosts) => [
    `restart the running agent on ${hosts.join(', ')}, one host at a time once the cluster is healthy: replicas first, the leader last`,
    'where the leader is among them, its PostgreSQL stops with its agent and a replica takes over (a switchover)',
  ],
};

export const AGENT_RESTART_ID = rollingRestartId(AGENT_RESTART);

/** Restarts the agents in turn; stops at the first host the cluster is not healthy enough to lose, or whose agent does not come back. */
export async function restartAgentsInTurn(hosts: readonly string[], context: ApplyContext): Promise<string> {
  const { waitHealthy, waitAgentBack } = context;
  const members = await context.cluster.members();
  const leader = members?.find((m) => LEADER_ROLES.has(m.role))?.name;
  const order = [...hosts.filter((h) => h !== leader), ...hosts.filter((h) => h === leader)];
  for (const [index, host] of order.entries()) {
    if (!(await waitHealthy(`before restarting pgha-agent on ${host}`))) {
      const left = order.slice(index).join(', ');
      throw new Error(`the cluster was not healthy, so the agent was not restarted on ${left}; the next plan shows that restart again`);
    }
    const running = (await context.transport(host).query(['systemctl', 'is-active', AGENT_UNIT])).stdout.trim() === 'active';
    await runServiceAction(context, host, { unit: AGENT_UNIT, verb: 'try-restart' });
    // try-restart leaves a stopped agent stopped: nothing to wait for then.
    if (running && !(await waitAgentBack(host, 'after its restart'))) {
      throw new Error(`the agent on ${host} was restarted but did not come back with its PostgreSQL running${order.length > index + 1 ? `, so it was not restarted on ${order.slice(index + 1).join(', ')}` : ''}; see journalctl -u ${AGENT_UNIT} on ${host}`);
    }
  }
  const last = order.at(-1);
  if (last && !(await waitHealthy(`after restarting pgha-agent on ${last}`))) throw new Error(`the cluster was not healthy again after the agent's restart on ${last}`);
  return `restarted in this order: ${order.map((h) => (h === leader ? `${h} (leader)` : h)).join(', ')}`;
}
