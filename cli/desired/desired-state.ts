// The spec rendered as resources: what every host should have, in the order apply brings it
// about (packages → files → units → services per host; etcd → agents → HAProxy → DCS config → roles).
import type { AgentConfig, ClusterSpec, Host, SecretRef } from '../../agent/contract/schema-types.js';
import { dirname } from 'node:path';
import { CLUSTER, readByAgentAtStart, readByEtcdAtStart, resourceName, type DesiredResource, type EtcdCutoverMember, type FileResource, type ResourceDraft, type Stage } from '../resources/desired-resource.js';
import { AGENT_RESTART_ID } from '../engine/agent-restart.js';
import { RELEASE_LINK } from '../resources/agent-release.js';
import type { EtcdMember } from '../transport/cluster-access.js';
import { AGENT_API_TLS, CREATED_BY_APPLY, HAPROXY_API_CA, type AgentApiAccess } from './agent-api-access.js';
import { agentConfigFile, type ApiServing } from './agent-config.js';
import { AGENT_CONFIG_PATH, AGENT_UNIT, AGENT_UNIT_PATH, agentUnitFile } from './agent-unit.js';
import { ETCD_ENVIRONMENT_PATH, ETCD_LOOPBACK, etcdEnvironmentFile, etcdPeerUrl, type EtcdListening, type FirstStart } from './etcd-environment.js';
import { etcdPlacements, type EtcdPlacement } from './etcd-first-start.js';
import { AGENT_ETCD_TLS, ETCD_MEMBER_TLS, etcdTlsMaterial, type EtcdTlsMaterial, type TlsFiles } from './etcd-tls.js';
import { ETCD_ROOT_USER, type EtcdSecurity } from './etcd-access.js';
import { HAPROXY_CONFIG_PATH, haproxyConfigFile } from './haproxy-config.js';
import { roleAttributes } from './role-attributes.js';
import type { Secrets } from './secrets.js';
import { SOFTDOG_FILES, softdogFiles, softdogTimeout } from './softdog.js';

/** What rendering needs to know about the live cluster (read before the plan is built). */
export interface DesiredFacts {
  release: { version: string; digest: string };
  etcdMembers: EtcdMember[] | 'unreachable';
  /** What each etcd host's current /etc/default/etcd records for etcd's first start. */
  etcdRecordedFirstStart: ReadonlyMap<string, FirstStart | undefined>;
  /** How each etcd host's current /etc/default/etcd has it listen; undefined without one. */
  etcdListening: ReadonlyMap<string, EtcdListening | undefined>;
  /** Each postgres host's recorded bootstrap section, once the cluster exists (see recordedBootstrap). */
  recordedBootstrap: ReadonlyMap<string, AgentConfig['bootstrap'] | undefined>;
  /** How each postgres host's current agent.yaml has its REST API served; undefined without one. */
  apiServing: ReadonlyMap<string, ApiServing | undefined>;
}

export interface DesiredState {
  resources: DesiredResource[];
}

const CREATECLUSTER_CONF = '/etc/postgresql-common/createcluster.conf';


class HostResources {
  readonly list: DesiredResource[] = [];
  constructor(private readonly host: string) {}

  add(draft: ResourceDraft): string {
    const id = `${this.host}/${draft.kind}/${resourceName(draft)}`;
    this.list.push({ stage: 'host', after: [], ...draft, id, host: this.host } as DesiredResource);
    return id;
  }
}

/**
 * etcd's CA, certificate and key as files at `paths`: the spec's own (`etcd.tls`), the key readable
 * by `owner` and `group` only; or a certificate for the host from the cluster CA, its key
 * readable by `owner` only.
 */
function tlsFiles(
  r: HostResources,
  host: Host,
  tls: EtcdTlsMaterial | undefined,
  etcd: EtcdSecurity,
  paths: TlsFiles,
  options: { owner: string; group: string; after: string[]; restartsEtcd?: boolean; restartsAgent?: boolean },
  extraNames: readonly string[] = [],
): string[] {
  const file = (path: string, content: string, mode: string): string => r.add({ kind: 'file', path, content, mode, ...options });
  if (etcd.mode === 'cluster-ca') {
    const certificate = r.add({ kind: 'host_certificate', addresses: [host.address, ...extraNames], ...(etcd.ca !== undefined && { ca: etcd.ca }), cert: paths.cert, key: paths.key, ...options });
    return [file(paths.ca, etcd.ca ?? `${CREATED_BY_APPLY}\n`, '644'), certificate];
  }
  if (!tls) return [];
  return [...(tls.ca ? [file(paths.ca, tls.ca, '644')] : []), file(paths.cert, tls.cert, '644'), file(paths.key, tls.key, '640')];
}

/** The REST API's CA, certificate and key, when it serves HTTPS: issued from the cluster CA per host, or the spec's own. */
function agentApiFiles(r: HostResources, host: Host, access: AgentApiAccess, after: string[]): string[] {
  if (!access.https) return [];
  const owner = { owner: 'postgres', group: 'postgres', after, restartsAgent: true };
  const ca = r.add({ kind: 'file', path: AGENT_API_TLS.ca, content: access.ca ?? `${CREATED_BY_APPLY}\n`, mode: '644', ...owner });
  if (access.supplied) {
    return [ca, r.add({ kind: 'file', path: AGENT_API_TLS.cert, content: access.supplied.cert, mode: '644', ...owner }), r.add({ kind: 'file', path: AGENT_API_TLS.key, content: access.supplied.key, mode: '600', ...owner })];
  }
  return [ca, r.add({ kind: 'host_certificate', addresses: [host.address], ...(access.ca !== undefined && { ca: access.ca }), cert: AGENT_API_TLS.cert, key: AGENT_API_TLS.key, ...owner })];
}

/** A host's agent.yaml, readable by the agent only (it holds secrets). */
function agentConfigDraft(spec: ClusterSpec, host: Host, secrets: Secrets, facts: DesiredFacts, access: AgentApiAccess, etcd: EtcdSecurity): Extract<ResourceDraft, { kind: 'file' }> {
  return { kind: 'file', path: AGENT_CONFIG_PATH, ...agentConfigFile(spec, host, secrets, access, etcd, facts.recordedBootstrap.get(host.name)), mode: '600', owner: 'postgres', group: 'postgres' };
}

function postgresResources(r: HostResources, spec: ClusterSpec, host: Host, secrets: Secrets, facts: DesiredFacts, tls: EtcdTlsMaterial | undefined, access: AgentApiAccess, etcd: EtcdSecurity): void {
  const noMainCluster = r.add({ kind: 'file', path: CREATECLUSTER_CONF, content: '# Written by pgha apply: only the pgha agent creates and starts PostgreSQL.\ncreate_main_cluster = false\n', mode: '644', owner: 'root', group: 'root' });
  const postgres = r.add({ kind: 'package', name: `postgresql-${spec.postgres.version}`, after: [noMainCluster] });
  const node = r.add({ kind: 'package', name: 'nodejs' });
  // The agent announces the virtual address it takes with arping.
  const arping = spec.routing.vip ? [r.add({ kind: 'package', name: 'iputils-arping' })] : [];
  const distroService = r.add({ kind: 'service', unit: 'postgresql.service', enabled: false, active: false, after: [postgres] });
  const distroClusters = r.add({ kind: 'distro_clusters', after: [postgres] });
  const configDir = r.add({ kind: 'directory', path: '/etc/pgha', mode: '750', owner: 'root', group: 'postgres', after: [postgres] });
  const release = r.add({ kind: 'agent_release', ...facts.release, restartsAgent: true });
  const config = r.add({ ...agentConfigDraft(spec, host, secrets, facts, access, etcd), after: [configDir], restartsAgent: true });
  const etcdClientFiles = tlsFiles(r, host, tls, etcd, AGENT_ETCD_TLS, { owner: 'postgres', group: 'postgres', after: [configDir], restartsAgent: true });
  const apiFiles = agentApiFiles(r, host, access, [configDir]);
  const unit = r.add({ kind: 'file', path: AGENT_UNIT_PATH, content: agentUnitFile(spec, host, RELEASE_LINK), mode: '644', owner: 'root', group: 'root', daemonReload: true, restartsAgent: true });
  const watchdog: string[] = [];
  if (spec.watchdog.mode !== 'off') {
    const files = softdogFiles(softdogTimeout(spec));
    for (const key of ['modulesLoad', 'modprobe', 'udevRule'] as const) {
      watchdog.push(r.add({ kind: 'file', path: SOFTDOG_FILES[key], content: files[key], mode: '644', owner: 'root', group: 'root' }));
    }
    watchdog.push(r.add({ kind: 'kernel_module', name: 'softdog', required: spec.watchdog.mode === 'required', after: watchdog.slice(0, 2) }));
  }
  r.add({
    kind: 'service',
    unit: AGENT_UNIT,
    enabled: true,
    active: true,
    stage: 'agent',
    after: [postgres, node, ...arping, distroService, distroClusters, release, config, unit, ...etcdClientFiles, ...apiFiles, ...watchdog],
    readsAtStart: r.list.filter(readByAgentAtStart).map((x) => (x.kind === 'file' ? x.path : x.kind === 'host_certificate' ? x.cert : RELEASE_LINK)),
  });
}

/**
 * A running plain-HTTP etcd moves to TLS within one apply once `etcd.insecure` is gone: each
 * member first gets its certificates and restarts with them, still on plain HTTP (a rolling
 * restart); the agents restart onto TLS and their user, with a plain-HTTP fallback; etcd-tls-cutover
 * turns plain HTTP off member by member; authentication comes on; agent-settle drops the fallback.
 */
function movingToTls(etcd: EtcdSecurity, listening: EtcdListening | undefined): boolean {
  return etcd.mode !== 'none' && (listening === 'plain' || listening === 'prepared');
}

/**
 * A running cluster's REST API moves to HTTPS within one apply once `agent.insecure` is gone: the
 * agents restart serving HTTPS and plain HTTP on one port (so agents, HAProxy and pgha not moved
 * yet still reach them), HAProxy then checks them over HTTPS, and agent-settle drops plain HTTP.
 */
function apiMovingToHttps(access: AgentApiAccess, serving: ApiServing | undefined): boolean {
  return access.https && (serving === 'plain' || serving === 'prepared');
}

function etcdResources(r: HostResources, spec: ClusterSpec, host: Host, placement: EtcdPlacement, joinsAfter: string | undefined, tls: EtcdTlsMaterial | undefined, etcd: EtcdSecurity, listening: EtcdListening | undefined): string {
  const server = r.add({ kind: 'package', name: 'etcd-server' });
  r.add({ kind: 'package', name: 'etcd-client' });
  const dataDir = r.add({ kind: 'directory', path: spec.etcd.data_dir, mode: '700', owner: 'etcd', group: 'etcd', after: [server] });
  const tlsDir = etcd.mode !== 'none' ? [r.add({ kind: 'directory', path: dirname(ETCD_MEMBER_TLS.cert), mode: '750', owner: 'root', group: 'etcd', after: [server] })] : [];
  // etcd reads the key of a certificate from the cluster CA as its owner.
  // It names loopback too: etcd also listens there, and its own JSON gateway dials that address.
  // A change to a member pgha set up restarts it in turn with the others (see etcd-restart). On a
  // new host the package has started etcd with Debian's defaults: the new file restarts it at
  // once; a joining host's etcd starts only once it has been added (see etcd-member).
  const ours = listening !== undefined;
  const memberFiles = tlsFiles(r, host, tls, etcd, ETCD_MEMBER_TLS, { owner: etcd.mode === 'cluster-ca' ? 'etcd' : 'root', group: 'etcd', after: tlsDir, restartsEtcd: ours }, [ETCD_LOOPBACK]);
  const environment = r.add({
    kind: 'file',
    path: ETCD_ENVIRONMENT_PATH,
    content: etcdEnvironmentFile(spec, host, placement.firstStart, movingToTls(etcd, listening)),
    mode: '644',
    owner: 'root',
    group: 'root',
    after: [server, ...memberFiles],
    ...(ours ? { restartsEtcd: true } : !placement.joining && { onChange: { unit: 'etcd.service', verb: 'try-restart', noBlock: true } }),
  });
  const member = r.add({ kind: 'etcd_member', name: host.name, peerUrl: etcdPeerUrl(spec, host), stage: 'etcd', after: joinsAfter ? [joinsAfter] : [] });
  r.add({
    kind: 'service',
    unit: 'etcd.service',
    enabled: true,
    active: true,
    noBlock: true,
    stage: 'etcd',
    after: [server, dataDir, environment, member],
    readsAtStart: r.list.filter(readByEtcdAtStart).map((x) => (x.kind === 'file' ? x.path : x.cert)),
  });
  return member;
}

function haproxyResources(r: HostResources, spec: ClusterSpec, access: AgentApiAccess): void {
  const haproxy = r.add({ kind: 'package', name: 'haproxy' });
  const reload = { unit: 'haproxy.service', verb: 'try-reload-or-restart' } as const;
  // haproxy -c checks that the CA file of its health checks exists: it comes first.
  const caFile = access.https ? [r.add({ kind: 'file', path: HAPROXY_API_CA, content: access.ca ?? `${CREATED_BY_APPLY}\n`, mode: '644', owner: 'root', group: 'root', after: [haproxy], onChange: reload })] : [];
  const config = r.add({
    kind: 'file',
    path: HAPROXY_CONFIG_PATH,
    content: haproxyConfigFile(spec, access.https ? HAPROXY_API_CA : undefined),
    mode: '644',
    owner: 'root',
    group: 'root',
    stage: 'haproxy',
    after: [haproxy, ...caFile],
    check: ['haproxy', '-c', '-q', '-f', '{}'],
    onChange: reload,
  });
  r.add({ kind: 'service', unit: 'haproxy.service', enabled: true, active: true, stage: 'haproxy', after: [haproxy, config] });
}

/** etcd's users and roles, once every member runs (see etcd-auth); its id. */
function etcdAuthResource(cluster: HostResources, etcd: EtcdSecurity, secrets: Secrets, after: string[]): string | undefined {
  if (!etcd.auth) return undefined;
  const { root, agents } = etcd.auth;
  const value = (password: { ref: SecretRef | undefined; source: string }): string => (password.ref ? secrets.resolve(password.ref, password.source) : CREATED_BY_APPLY);
  // In the agents' stage: after the gate that waits for every etcd member (the agents hold their credentials before authentication is on).
  return cluster.add({ kind: 'etcd_auth', rootUser: ETCD_ROOT_USER, rootPassword: value(root), user: agents.user, password: value(agents), prefixes: agents.prefixes, stage: 'agent', after });
}

/** Each etcd member's last step of the move: its peer URL over TLS and its file as the spec wants it. */
function cutoverMembers(spec: ClusterSpec, placements: ReadonlyMap<string, EtcdPlacement>): EtcdCutoverMember[] {
  return spec.hosts.flatMap((host) => {
    const placement = placements.get(host.name);
    return placement ? [{ name: host.name, peerUrl: etcdPeerUrl(spec, host), environment: etcdEnvironmentFile(spec, host, placement.firstStart) }] : [];
  });
}

/** A host's agent.yaml once the move is over, without the plain-HTTP fallback. */
function finalAgentConfig(spec: ClusterSpec, host: Host, secrets: Secrets, facts: DesiredFacts, access: AgentApiAccess, etcd: EtcdSecurity): FileResource {
  const r = new HostResources(host.name);
  r.add(agentConfigDraft(spec, host, secrets, facts, access, etcd));
  return r.list[0] as FileResource;
}

export function desiredState(spec: ClusterSpec, secrets: Secrets, facts: DesiredFacts, access: AgentApiAccess, etcd: EtcdSecurity): DesiredState {
  const tls = etcdTlsMaterial(spec, secrets);
  const resources: DesiredResource[] = [];
  const placements = etcdPlacements(spec, facts.etcdMembers, facts.etcdRecordedFirstStart);
  const memberIds = new Map<string, string>();
  const moving = [...facts.etcdListening.values()].some((listening) => movingToTls(etcd, listening));
  const agentsEtcd = moving ? { ...etcd, plainHttpFallback: true } : etcd;
  const apiMoving = [...facts.apiServing.values()].some((serving) => apiMovingToHttps(access, serving));
  const agentsAccess = apiMoving ? { ...access, plainHttpFallback: true } : access;
  for (const host of spec.hosts) {
    const r = new HostResources(host.name);
    const placement = placements.get(host.name);
    if (placement) memberIds.set(host.name, etcdResources(r, spec, host, placement, placement.joinsAfter && memberIds.get(placement.joinsAfter), tls, etcd, facts.etcdListening.get(host.name)));
    if (host.roles.includes('postgres')) postgresResources(r, spec, host, secrets, facts, tls, agentsAccess, agentsEtcd);
    if (host.roles.includes('haproxy')) haproxyResources(r, spec, access);
    resources.push(...r.list);
  }
  const cluster = new HostResources(CLUSTER);
  const etcdIds = resources.filter((x) => x.kind === 'etcd_member' || (x.kind === 'service' && x.unit === 'etcd.service')).map((x) => x.id);
  const settleAfter: string[] = [];
  if (moving) {
    const cutover = cluster.add({ kind: 'etcd_tls_cutover', members: cutoverMembers(spec, placements), stage: 'agent', after: [...etcdIds, AGENT_RESTART_ID] });
    const auth = etcdAuthResource(cluster, etcd, secrets, [...etcdIds, cutover]);
    settleAfter.push(cutover, ...(auth ? [auth] : []));
  } else etcdAuthResource(cluster, etcd, secrets, etcdIds);
  if (moving || apiMoving) {
    const files = spec.hosts.filter((h) => h.roles.includes('postgres')).map((h) => finalAgentConfig(spec, h, secrets, facts, access, etcd));
    const dropping = [...(moving ? ["etcd's plain-HTTP fallback"] : []), ...(apiMoving ? ['plain HTTP on the REST API'] : [])];
    // After HAProxy checks the agents over HTTPS: an agent that dropped plain HTTP must not fail its plain checks.
    const haproxyConfigs = resources.filter((x) => x.kind === 'file' && x.path === HAPROXY_CONFIG_PATH).map((x) => x.id);
    cluster.add({ kind: 'agent_settle', files, dropping, stage: 'haproxy', after: [...settleAfter, ...haproxyConfigs] });
  }
  const dcsConfig = cluster.add({ kind: 'dcs_config', config: spec.dcs, stage: 'dcs' });
  cluster.add({ kind: 'postgres_rolling_restart', config: spec.dcs, stage: 'dcs', after: [dcsConfig] });
  for (const [name, user] of Object.entries(spec.postgres.users ?? {})) {
    const parsed = roleAttributes(user.options ?? []);
    if ('unknown' in parsed) throw new Error(`postgres.users.${name}.options[${parsed.unknown}] is not an option pgha knows`);
    cluster.add({ kind: 'postgres_role', name, attributes: parsed.attributes, password: secrets.resolve(user.password, `postgres.users.${name}.password`), stage: 'roles' });
  }
  resources.push(...cluster.list);
  return { resources: withStageOrder(resources) };
}

/** Each stage's services follow every service of the stages before it, on every host. */
function withStageOrder(resources: DesiredResource[]): DesiredResource[] {
  const services = (stage: Stage): string[] => resources.filter((r) => r.stage === stage && r.kind === 'service').map((r) => r.id);
  const previous: Record<Stage, Stage[]> = { host: [], etcd: [], agent: ['etcd'], haproxy: ['agent'], dcs: ['agent'], roles: ['agent'] };
  return resources.map((r) => ({ ...r, after: [...r.after, ...previous[r.stage].flatMap(services)] }));
}
