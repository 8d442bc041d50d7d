// How a run reaches the world: SSH to the hosts, and the cluster's etcd and agents. The
// composition root passes the real one; tests pass fakes held to it by a shared contract suite.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import type { Secrets } from '../desired/secrets.js';
import type { AgentApiClient } from './agent-api-client.js';
import { clusterAccess, type ClusterWriter, type EtcdClientSettings } from './cluster-access.js';
import { connectHosts, type ConnectOptions, type HostConnections, type ReachableHost } from './host-connections.js';
import type { Forwarder } from './leader-postgres.js';

/** What the cluster is reached with: made from the cluster CA and secrets beside the spec. */
export interface ClusterCredentials {
  etcdClient(): Promise<EtcdClientSettings>;
  agentApi(): AgentApiClient;
}

export interface Connector {
  /** One connection per host of the spec, and to each departed host that answers. */
  hosts(spec: ClusterSpec, options: ConnectOptions, departed?: readonly ReachableHost[]): Promise<HostConnections>;
  /** The cluster's etcd and agents; `forward` reaches the leader's PostgreSQL through a host. */
  cluster(spec: ClusterSpec, secrets: Secrets, credentials: ClusterCredentials, forward: Forwarder): ClusterWriter;
}

export const realConnector: Connector = {
  hosts: connectHosts,
  cluster: (spec, secrets, credentials, forward) => clusterAccess(spec, secrets, () => credentials.etcdClient(), () => credentials.agentApi(), forward),
};
