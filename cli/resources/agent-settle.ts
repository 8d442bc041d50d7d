// The last step of moving a running etcd to TLS, or the agents' REST API to HTTPS: once every etcd
// member serves TLS only and authentication is on, and HAProxy checks the agents over HTTPS, each
// agent's configuration loses its plain-HTTP fallbacks, and the agents restart in turn (replicas
// first, the leader last), so that none keeps them. A host already done is left alone.
import { AGENT_CONFIG_PATH } from '../desired/agent-unit.js';
import { restartAgentsInTurn } from '../engine/agent-restart.js';
import type { AgentSettleResource, FileResource } from './desired-resource.js';
import { fileHandler } from './file.js';
import type { ResourceHandler } from './resource-handler.js';

/** The hosts whose agent.yaml is as the spec wants it at the end (never the content: it holds secrets). */
export type ObservedSettle = string[];

const pending = (resource: AgentSettleResource, done: ObservedSettle): FileResource[] => resource.files.filter((f) => !done.includes(f.host));

export const agentSettleHandler: ResourceHandler<AgentSettleResource, ObservedSettle> = {
  async read(resource, context) {
    const done = await Promise.all(resource.files.map(async (file) => ((await context.transport(file.host).readFile(file.path))?.content === file.content ? [file.host] : [])));
    return done.flat();
  },

  diff(resource, observed) {
    const left = pending(resource, observed);
    if (left.length === 0) return undefined;
    const hosts = left.map((f) => f.host).join(', ');
    const settled = (done: readonly string[]) => ({ settled: resource.files.map((f) => f.host).filter((host) => done.includes(host)) });
    return {
      action: 'update',
      details: [
        `once the move is over: ${AGENT_CONFIG_PATH} without ${resource.dropping.join(' and without ')} on ${hosts}`,
        `then restart the agent on ${hosts}, one host at a time once the cluster is healthy: replicas first, the leader last (a switchover)`,
      ],
      values: { before: settled(observed), after: settled(resource.files.map((f) => f.host)) },
    };
  },

  async apply(resource, observed, context) {
    const left = pending(resource, observed);
    for (const file of left) await fileHandler.apply(file, null, context);
    return restartAgentsInTurn(left.map((f) => f.host), context);
  },
};
