// The part of pgha's cluster access that the operator engines use (GET /cluster, a member's own
// GET /patroni, calls to one member or to the leader), over a loopback AgentCluster's real agents.
// pgha's own clusterAccess finds the agents at one REST port on each host's address; the loopback
// agents share 127.0.0.1 on ports of their own, so this finds each by the port of its api_url.
import type { ClusterDocument } from '../../agent/contract/cluster-document.js';
import type { ClusterWriter } from '../../cli/transport/cluster-access.js';
import { LEADER_ROLES } from '../../cli/transport/cluster-access.js';
import type { AgentCluster } from './agent-cluster.js';

export function loopbackClusterAccess(cluster: AgentCluster): ClusterWriter {
  const nameOf = (apiUrl: string): string => {
    const port = Number(new URL(apiUrl).port);
    const member = cluster.members.find((m) => m.apiPort === port);
    if (!member) throw new Error(`no loopback agent listens at ${apiUrl}`);
    return member.name;
  };
  const clusterDocument = async (): Promise<ClusterDocument | undefined> => {
    for (const member of cluster.members) {
      const answer = await cluster.api(member.name, '/cluster').catch(() => undefined);
      if (answer?.status === 200) return JSON.parse(answer.body) as ClusterDocument;
    }
    return undefined;
  };
  const call = async (name: string, method: string, path: string, body: unknown) => {
    const answer = await cluster.api(name, path, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: answer.status, text: answer.body };
  };
  const access: Partial<ClusterWriter> = {
    clusterDocument,
    members: async () => (await clusterDocument())?.members,
    async memberStatus(apiUrl) {
      const answer = await cluster.api(nameOf(apiUrl), '/patroni').catch(() => undefined);
      return answer && (answer.status === 200 || answer.status === 503) ? (JSON.parse(answer.body) as unknown) : undefined;
    },
    callMember: (apiUrl, method, path, body) => call(nameOf(apiUrl), method, path, body),
    async callAgents(method, path, body) {
      const leader = (await clusterDocument())?.members.find((m) => LEADER_ROLES.has(m.role))?.name;
      if (!leader) throw new Error(`no leader answers, so ${method} ${path} cannot be sent now`);
      return { member: leader, answer: await call(leader, method, path, body) };
    },
  };
  return access as ClusterWriter;
}
