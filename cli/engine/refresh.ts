// Refresh: read every host and the cluster, read-only, then render what the spec wants of them.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { departedResources, type Departures } from '../desired/departed-resources.js';
import { desiredState, type DesiredState } from '../desired/desired-state.js';
import { ETCD_ENVIRONMENT_PATH, etcdListening, recordedFirstStart, type EtcdListening, type FirstStart } from '../desired/etcd-environment.js';
import type { Secrets } from '../desired/secrets.js';
import type { AgentApiAccess } from '../desired/agent-api-access.js';
import type { EtcdSecurity } from '../desired/etcd-access.js';
import { apiServing, recordedBootstrap, type ApiServing } from '../desired/agent-config.js';
import { AGENT_CONFIG_PATH } from '../desired/agent-unit.js';
import type { AgentConfig } from '../../agent/contract/schema-types.js';
import type { ReadTransport } from '../transport/transport.js';
import { handlerOf } from '../resources/handlers.js';
import type { DesiredResource } from '../resources/desired-resource.js';
import type { ReadContext } from '../resources/resource-handler.js';
import { hostsWithRole } from '../spec/host-roles.js';
import type { ClusterReader } from '../transport/cluster-access.js';
import { mapWithLimit } from './parallel.js';

/** Resources read at a time on one host; its connection queues commands beyond sshd's session limit. */
const READS_PER_HOST = 8;

export interface Refreshed {
  desired: DesiredState;
  observed: Map<string, unknown>;
}

/** Each file read once per refresh, though rendering and a resource both look at it. */
function memoizedFiles(transport: ReadContext['transport']): ReadContext['transport'] {
  const files = new Map<string, ReturnType<ReadTransport['readFile']>>();
  return (host) => {
    const inner = transport(host);
    return {
      host: inner.host,
      query: (argv) => inner.query(argv),
      readFile: (path) => {
        const key = `${host}\0${path}`;
        let read = files.get(key);
        if (!read) files.set(key, (read = inner.readFile(path)));
        return read;
      },
    };
  };
}

/** One round trip per question (etcd, the leader's PostgreSQL) for the whole refresh, however many resources ask it. */
function memoized(cluster: ClusterReader): ClusterReader {
  let config: ReturnType<ClusterReader['dcsConfig']> | undefined;
  let members: ReturnType<ClusterReader['etcdMembers']> | undefined;
  let sql: ReturnType<ClusterReader['sql']> | undefined;
  // The other questions go to `cluster` itself, whether its methods are its own or its class's.
  return Object.assign(Object.create(cluster) as ClusterReader, { dcsConfig: () => (config ??= cluster.dcsConfig()), etcdMembers: () => (members ??= cluster.etcdMembers()), sql: () => (sql ??= cluster.sql()) });
}

export async function refresh(
  spec: ClusterSpec,
  secrets: Secrets,
  access: { api: AgentApiAccess; etcd: EtcdSecurity },
  release: { version: string; digest: string },
  context: ReadContext,
  parallelism: number,
  departures: Departures,
): Promise<Refreshed> {
  const reading: ReadContext = { transport: memoizedFiles(context.transport), cluster: memoized(context.cluster) };
  const [etcdMembers, liveConfig, recorded, agentConfigs] = await Promise.all([
    reading.cluster.etcdMembers(),
    reading.cluster.dcsConfig(),
    mapWithLimit(hostsWithRole(spec, 'etcd'), parallelism, async ({ host }) => {
      const file = await reading.transport(host.name).readFile(ETCD_ENVIRONMENT_PATH);
      return [host.name, recordedFirstStart(file?.content), etcdListening(file?.content)] as [string, FirstStart | undefined, EtcdListening | undefined];
    }),
    mapWithLimit(hostsWithRole(spec, 'postgres'), parallelism, async ({ host }) => {
      const file = await reading.transport(host.name).readFile(AGENT_CONFIG_PATH);
      return [host.name, recordedBootstrap(file?.content), apiServing(file?.content)] as [string, AgentConfig['bootstrap'] | undefined, ApiServing | undefined];
    }),
  ]);
  const clusterExists = liveConfig !== 'unreachable' && liveConfig !== null;
  const desired = desiredState(spec, secrets, {
    release,
    etcdMembers,
    etcdRecordedFirstStart: new Map(recorded.map(([name, firstStart]) => [name, firstStart])),
    etcdListening: new Map(recorded.map(([name, , listening]) => [name, listening])),
    recordedBootstrap: new Map(clusterExists ? agentConfigs.map(([name, bootstrap]) => [name, bootstrap]) : []),
    apiServing: new Map(agentConfigs.map(([name, , serving]) => [name, serving])),
  }, access.api, access.etcd);
  desired.resources.push(...departedResources(spec, departures, desired.resources));
  const byHost = new Map<string, DesiredResource[]>();
  for (const r of desired.resources) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  const observed = new Map<string, unknown>();
  await mapWithLimit([...byHost.values()], parallelism, (resources) =>
    mapWithLimit(resources, READS_PER_HOST, async (resource) => {
      observed.set(resource.id, await handlerOf(resource).read(resource, reading));
    }),
  );
  return { desired, observed };
}
