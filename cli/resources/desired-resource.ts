// What a spec wants on the hosts, one record per resource. Each kind has its handler in a file of
// its own name; `stage` and `after` place it in the apply order.
import type { DynamicConfig } from '../../agent/contract/schema-types.js';
import type { RoleAttributes } from '../desired/role-attributes.js';
import type { SecretPath } from '../desired/secret-yaml.js';
import type { PlannedChange } from '../plan/plan.js';

/** Apply order across hosts: etcd runs before the agents, the agents before HAProxy, then the DCS config and the roles. */
export const STAGES = ['host', 'etcd', 'agent', 'haproxy', 'dcs', 'roles'] as const;
export type Stage = (typeof STAGES)[number];

/** The host name of resources that belong to the cluster, not to one host. */
export const CLUSTER = 'cluster';

interface ResourceBase {
  /** Unique in a plan: `<host>/<kind>/<name>`. */
  id: string;
  host: string;
  stage: Stage;
  /** Ids this one must follow; a failed one skips this one. */
  after: string[];
}

export interface ServiceAction {
  unit: string;
  /** `try-restart` and `try-reload-or-restart` touch a service only when it runs; `restart` starts it either way. */
  verb: 'try-restart' | 'try-reload-or-restart' | 'restart';
  /** Queue the job instead of waiting for it (etcd waits for its quorum when it starts). */
  noBlock?: boolean;
  /** Give up waiting for the job after this long (the job itself goes on). */
  timeoutSeconds?: number;
}

export interface PackageResource extends ResourceBase {
  kind: 'package';
  name: string;
  version?: string;
}

export interface DirectoryResource extends ResourceBase {
  kind: 'directory';
  path: string;
  mode: string;
  owner: string;
  group: string;
}

export interface FileResource extends ResourceBase {
  kind: 'file';
  path: string;
  content: string;
  /** Where the (YAML) content holds secrets: a plan shows "(sensitive)" there, in the host's version too. */
  secretPaths?: SecretPath[];
  mode: string;
  owner: string;
  group: string;
  /** A command that checks the new file before it replaces the old one; `{}` is the new file's path. */
  check?: string[];
  /** Run `systemctl daemon-reload` after a change (a unit file). */
  daemonReload?: boolean;
  /** What a change of this file does to a running service. */
  onChange?: ServiceAction;
  /** The agent reads this file only when it starts: a change queues a rolling restart (see agent-restart). */
  restartsAgent?: boolean;
  /** etcd reads this file only when it starts: a change to a running member queues a rolling restart (see etcd-restart). */
  restartsEtcd?: boolean;
}

export interface ServiceResource extends ResourceBase {
  kind: 'service';
  unit: string;
  enabled: boolean;
  active: boolean;
  noBlock?: boolean;
  /** Files the service reads only when it starts: one changed since, and it runs stale. */
  readsAtStart?: string[];
}

export interface KernelModuleResource extends ResourceBase {
  kind: 'kernel_module';
  name: string;
  /** A module that cannot be loaded fails the run only when it is required. */
  required: boolean;
}

export interface AgentReleaseResource extends ResourceBase {
  kind: 'agent_release';
  version: string;
  /** sha256 of the release's SHA256SUMS file, which lists every file's digest. */
  digest: string;
  restartsAgent?: boolean;
}

export interface DistroClustersResource extends ResourceBase {
  kind: 'distro_clusters';
}

export interface EtcdMemberResource extends ResourceBase {
  kind: 'etcd_member';
  name: string;
  peerUrl: string;
}

export interface DcsConfigResource extends ResourceBase {
  kind: 'dcs_config';
  config: DynamicConfig;
}

/** A key and a certificate from the cluster CA, issued on the machine running pgha and kept while valid (see cli/pki). */
export interface HostCertificateResource extends ResourceBase {
  kind: 'host_certificate';
  /** What its subjectAltName names: the host's address. */
  addresses: string[];
  /** The cluster CA's certificate; undefined in a plan made before the first apply creates the CA. */
  ca?: string;
  /** Paths of the certificate and of its key (mode 600). */
  cert: string;
  key: string;
  owner: string;
  group: string;
  /** What a new certificate does to a running service. */
  onChange?: ServiceAction;
  /** The agent reads it only when it starts: a new one queues a rolling restart. */
  restartsAgent?: boolean;
  /** etcd reads it only when it starts: a new one queues a rolling restart of the running members. */
  restartsEtcd?: boolean;
}

/** etcd's authentication: root for pgha, and a user with a role of its name for the agents that reads and writes only `prefixes`. */
export interface EtcdAuthResource extends ResourceBase {
  kind: 'etcd_auth';
  rootUser: string;
  /** The passwords themselves (secrets): checked by logging in, never shown. */
  rootPassword: string;
  user: string;
  password: string;
  prefixes: string[];
}

/** One member's part of moving a running etcd from plain HTTP to TLS only (see etcd-tls-cutover). */
export interface EtcdCutoverMember {
  name: string;
  /** Its peer URL over TLS, for etcd's membership. */
  peerUrl: string;
  /** Its /etc/default/etcd serving clients and peers over TLS only. */
  environment: string;
}

/** That move's etcd step: member by member, peers over TLS, plain HTTP off, a restart. */
export interface EtcdTlsCutoverResource extends ResourceBase {
  kind: 'etcd_tls_cutover';
  members: EtcdCutoverMember[];
}

/** That move's last step: each agent's configuration without etcd's plain-HTTP fallback, and a rolling restart (see agent-settle). */
export interface AgentSettleResource extends ResourceBase {
  kind: 'agent_settle';
  /** Each postgres host's agent.yaml as the spec wants it once the move is over. */
  files: FileResource[];
  /** What the files drop, for the plan: "etcd's plain-HTTP fallback", "plain HTTP on the REST API". */
  dropping: string[];
}

/** A restart of PostgreSQL on every member, once a setting read only at server start changes in the DCS config or waits for a restart (see postgres-rolling-restart). */
export interface PostgresRollingRestartResource extends ResourceBase {
  kind: 'postgres_rolling_restart';
  /** The spec's DCS config: its postgresql.parameters, and loop_wait to bound the wait for the agents to take them. */
  config: DynamicConfig;
}

export interface PostgresRoleResource extends ResourceBase {
  kind: 'postgres_role';
  name: string;
  attributes: RoleAttributes;
  /** The password itself (a secret): sent only as its SCRAM verifier. */
  password: string;
}

/** A service on a host dropped from the spec: stopped and disabled (see departed-service). */
export interface DepartedServiceResource extends ResourceBase {
  kind: 'departed_service';
  unit: string;
  /** Its data directories: deleted once it has stopped with --purge-data, else left in place. */
  dataDirs: string[];
  purge: boolean;
  /** The agent: a leader hands over first, to one of these members (the spec's PostgreSQL hosts). */
  handOverTo?: string[];
  /** Why the host could not be reached over SSH, when it could not. */
  unreachable?: string;
}

/** The member key of a host dropped from the spec, and its replication slot on the leader (see member-key). */
export interface MemberKeyResource extends ResourceBase {
  kind: 'member_key';
  name: string;
  /** The key's full path in etcd. */
  key: string;
  slot: string;
}

/** An etcd member on a host dropped from the spec: removed once the others hold a quorum without it (see departed-etcd-member). */
export interface DepartedEtcdMemberResource extends ResourceBase {
  kind: 'departed_etcd_member';
  name: string;
  peerUrl: string;
  /** The spec's etcd members that stay: their names and client addresses (`address:port`). */
  staying: { name: string; client: string }[];
}

export type DesiredResource =
  | PackageResource
  | DirectoryResource
  | FileResource
  | ServiceResource
  | KernelModuleResource
  | AgentReleaseResource
  | DistroClustersResource
  | EtcdMemberResource
  | DcsConfigResource
  | HostCertificateResource
  | PostgresRoleResource
  | EtcdAuthResource
  | EtcdTlsCutoverResource
  | AgentSettleResource
  | PostgresRollingRestartResource
  | DepartedServiceResource
  | MemberKeyResource
  | DepartedEtcdMemberResource;

export type ResourceKind = DesiredResource['kind'];

/** A resource as the spec renderer writes it: its id, host and defaults are added on the way in. */
export type ResourceDraft = DesiredResource extends infer R
  ? R extends DesiredResource
    ? Omit<R, 'id' | 'host' | 'after' | 'stage'> & { after?: string[]; stage?: Stage }
    : never
  : never;

/** A file or certificate etcd reads only when it starts: a change to it restarts a running member. */
export function readByEtcdAtStart(resource: DesiredResource): resource is FileResource | HostCertificateResource {
  return (resource.kind === 'file' || resource.kind === 'host_certificate') && resource.restartsEtcd === true;
}

/** A file or release the agent reads only when it starts: a change to it restarts the agent. */
export function readByAgentAtStart(resource: DesiredResource): resource is FileResource | AgentReleaseResource | HostCertificateResource {
  return (resource.kind === 'file' || resource.kind === 'agent_release' || resource.kind === 'host_certificate') && resource.restartsAgent === true;
}

/** The kind a plan shows: what leaves with a departed host is shown as the service or etcd member it is. */
export function planKind(resource: Pick<DesiredResource, 'kind'>): PlannedChange['kind'] {
  if (resource.kind === 'departed_service') return 'service';
  if (resource.kind === 'departed_etcd_member') return 'etcd_member';
  return resource.kind;
}

/** What a resource is called in its id and in the plan: a package, a path, a unit. */
export function resourceName(resource: ResourceDraft): string {
  switch (resource.kind) {
    case 'package':
      return resource.name;
    case 'directory':
    case 'file':
      return resource.path;
    case 'host_certificate':
      return resource.cert;
    case 'service':
    case 'departed_service':
      return resource.unit;
    case 'kernel_module':
    case 'etcd_member':
    case 'departed_etcd_member':
    case 'member_key':
    case 'postgres_role':
      return resource.name;
    case 'agent_release':
      return 'pgha-agent';
    case 'distro_clusters':
      return `postgresql`;
    case 'dcs_config':
      return 'config';
    case 'etcd_auth':
      return 'authentication';
    case 'etcd_tls_cutover':
      return 'etcd.service';
    case 'agent_settle':
      return 'pgha-agent.service';
    case 'postgres_rolling_restart':
      return 'postgresql';
  }
}
