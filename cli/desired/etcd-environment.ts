// /etc/default/etcd, read by Debian's etcd.service: this member's name and URLs, and what it
// reads on its first start only: the initial cluster, `new` when the cluster forms in this run,
// or `existing` with exactly the members at its turn for a host that joins a running one.
import type { ClusterSpec, Host } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { etcdScheme, etcdTlsMode } from './etcd-access.js';
import { ETCD_MEMBER_TLS } from './etcd-tls.js';

export const ETCD_ENVIRONMENT_PATH = '/etc/default/etcd';
/** etcd also serves clients on loopback, for etcdctl on the host. */
export const ETCD_LOOPBACK = '127.0.0.1';

export type InitialClusterState = 'new' | 'existing';

const scheme = etcdScheme;

export function etcdPeerUrl(spec: ClusterSpec, host: Host): string {
  return `${scheme(spec)}://${host.address}:${spec.etcd.peer_port}`;
}

/** Serve clients and peers with the member certificate; with a CA, ask them for certificates it signed. */
function tlsLines(spec: ClusterSpec): string {
  const mode = etcdTlsMode(spec);
  if (mode === 'none') return '';
  const files = [`CERT_FILE=${ETCD_MEMBER_TLS.cert}`, `KEY_FILE=${ETCD_MEMBER_TLS.key}`];
  if (mode === 'cluster-ca' || spec.etcd.tls?.ca_file) files.push(`TRUSTED_CA_FILE=${ETCD_MEMBER_TLS.ca}`, 'CLIENT_CERT_AUTH=true');
  return [...files.map((line) => `ETCD_${line}`), ...files.map((line) => `ETCD_PEER_${line}`)].join('\n') + '\n';
}

/** What etcd reads only on its first start, while its data directory is empty. */
export interface FirstStart {
  state: InitialClusterState;
  /** `name=peer-url` of each member, comma-separated. */
  initialCluster: string;
}

/**
 * Where a running member stands in a move from plain HTTP to TLS: `plain` serves clients and peers
 * plain HTTP; `prepared` still does, but holds its certificates (see etcd-tls-cutover); `tls`
 * serves TLS only. undefined without a file of pgha's.
 */
export type EtcdListening = 'plain' | 'prepared' | 'tls';

export function etcdListening(content: string | undefined): EtcdListening | undefined {
  const clients = content?.match(/^ETCD_LISTEN_CLIENT_URLS=(\S+)$/m)?.[1];
  if (content === undefined || clients === undefined) return undefined;
  if (!clients.startsWith('http:')) return 'tls';
  return /^ETCD_PEER_CERT_FILE=/m.test(content) ? 'prepared' : 'plain';
}

/** What a host's current file records, so a member's file stays as it was written. */
export function recordedFirstStart(content: string | undefined): FirstStart | undefined {
  const state = content?.match(/^ETCD_INITIAL_CLUSTER_STATE=(new|existing)$/m)?.[1] as InitialClusterState | undefined;
  const initialCluster = content?.match(/^ETCD_INITIAL_CLUSTER=(\S+)$/m)?.[1];
  return state && initialCluster ? { state, initialCluster } : undefined;
}

export function initialClusterEntry(name: string, peerUrl: string): string {
  return `${name}=${peerUrl}`;
}

/** Every etcd host of the spec, as a cluster formed from scratch lists them. */
export function specInitialCluster(spec: ClusterSpec): string {
  return hostsWithRole(spec, 'etcd')
    .map(({ host }) => initialClusterEntry(host.name, etcdPeerUrl(spec, host)))
    .join(',');
}

/**
 * `plainHttp`: a member of a running plain-HTTP cluster on its way to TLS keeps serving clients
 * and peers plain HTTP, but holds its certificates already (etcd uses its peer certificate to dial
 * a peer that moved to TLS); see etcd-tls-cutover.
 */
export function etcdEnvironmentFile(spec: ClusterSpec, host: Host, firstStart: FirstStart, plainHttp = false): string {
  const serving = plainHttp ? 'http' : scheme(spec);
  const client = `${serving}://${host.address}:${spec.etcd.client_port}`;
  const peer = plainHttp ? `http://${host.address}:${spec.etcd.peer_port}` : etcdPeerUrl(spec, host);
  return `# Written by pgha apply from the cluster spec.
ETCD_NAME=${host.name}
ETCD_DATA_DIR=${spec.etcd.data_dir}
ETCD_LISTEN_PEER_URLS=${peer}
ETCD_LISTEN_CLIENT_URLS=${client},${serving}://${ETCD_LOOPBACK}:${spec.etcd.client_port}
ETCD_INITIAL_ADVERTISE_PEER_URLS=${peer}
ETCD_ADVERTISE_CLIENT_URLS=${client}
ETCD_INITIAL_CLUSTER=${firstStart.initialCluster}
ETCD_INITIAL_CLUSTER_STATE=${firstStart.state}
ETCD_INITIAL_CLUSTER_TOKEN=pgha-${spec.metadata.name}
ETCD_HEARTBEAT_INTERVAL=${spec.etcd.heartbeat_interval}
ETCD_ELECTION_TIMEOUT=${spec.etcd.election_timeout}
${tlsLines(spec)}`;
}
