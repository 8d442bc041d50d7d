// /etc/pgha/agent.yaml for one postgres host: the spec's cluster-wide settings, this host's
// addresses and tags, and the secrets themselves (the file is 0600, owned by postgres).
import { parse } from 'yaml';
import type { AgentConfig, ClusterSpec, Host, RoleCredentials } from '../../agent/contract/schema-types.js';
import { unsupportedSettingsIn } from '../../agent/contract/unsupported-settings.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { CREATED_BY_APPLY, restApiSettings, type AgentApiAccess } from './agent-api-access.js';
import type { EtcdSecurity } from './etcd-access.js';
import { AGENT_ETCD_TLS } from './etcd-tls.js';
import { secretYaml, type SecretYaml } from './secret-yaml.js';
import type { Secrets } from './secrets.js';

/** A spec path with `{version}` replaced by the PostgreSQL major version. */
export function withVersion(path: string, spec: ClusterSpec): string {
  return path.replaceAll('{version}', String(spec.postgres.version));
}

/** `dcs` without the settings this version refuses, which an older pgha may have recorded. */
function withoutRefusedSettings(dcs: AgentConfig['bootstrap']['dcs']): AgentConfig['bootstrap']['dcs'] {
  const kept = structuredClone(dcs) as unknown as Record<string, unknown>;
  for (const { path } of unsupportedSettingsIn(kept, 'dcs')) {
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], kept) as Record<string | number, unknown>;
    delete parent[path.at(-1)!];
  }
  return kept as unknown as AgentConfig['bootstrap']['dcs'];
}

/**
 * The bootstrap section a host's agent.yaml holds now. Agents read it only to create the cluster,
 * so once the cluster exists it stays as written: a DCS change then goes out as a PATCH, and
 * does not rewrite every agent.yaml and restart every agent. A setting this version refuses is
 * dropped from it, or the agent would refuse the file and not start after an upgrade; the live
 * configuration, which the agent reads, says what the cluster runs with.
 */
export function recordedBootstrap(content: string | undefined): AgentConfig['bootstrap'] | undefined {
  if (content === undefined) return undefined;
  try {
    const bootstrap = (parse(content) as Partial<AgentConfig> | null)?.bootstrap;
    return bootstrap?.dcs && bootstrap.initdb ? { ...bootstrap, dcs: withoutRefusedSettings(bootstrap.dcs) } : undefined;
  } catch {
    return undefined;
  }
}

/** The config, each secret as a placeholder (see agentConfigFile). */
function agentConfig(spec: ClusterSpec, host: Host, secrets: Secrets, access: AgentApiAccess, etcd: EtcdSecurity, bootstrap?: AgentConfig['bootstrap']): AgentConfig {
  const credentials = (role: RoleCredentials, where: string) => ({ username: role.username, password: secrets.placeholder(role.password, where) });
  const { authentication } = spec.postgres;
  return {
    name: host.name,
    scope: spec.metadata.name,
    namespace: spec.metadata.namespace,
    log: { level: spec.agent.log_level },
    etcd: {
      hosts: hostsWithRole(spec, 'etcd').map(({ host: h }) => `${h.address}:${spec.etcd.client_port}`) as [string, ...string[]],
      protocol: etcd.mode === 'none' ? 'http' : 'https',
      ...(etcd.mode !== 'none' && { cert: AGENT_ETCD_TLS.cert, key: AGENT_ETCD_TLS.key, ...((etcd.mode === 'cluster-ca' || spec.etcd.tls?.ca_file) && { cacert: AGENT_ETCD_TLS.ca }) }),
      ...(etcd.auth && { username: etcd.auth.agents.user, password: etcd.auth.agents.ref ? secrets.placeholder(etcd.auth.agents.ref, etcd.auth.agents.source) : secrets.placeholderOf(CREATED_BY_APPLY) }),
      // Written only while a move of etcd to TLS is under way, so that other files stay as they were.
      ...(etcd.plainHttpFallback && { plain_http_fallback: true }),
    } as AgentConfig['etcd'],
    restapi: restApiSettings(spec, host, secrets, access) as AgentConfig['restapi'],
    postgresql: {
      listen: `0.0.0.0:${spec.postgres.port}`,
      connect_address: `${host.address}:${spec.postgres.port}`,
      data_dir: withVersion(spec.postgres.data_dir, spec),
      bin_dir: withVersion(spec.postgres.bin_dir, spec),
      authentication: {
        superuser: credentials(authentication.superuser, 'postgres.authentication.superuser.password'),
        replication: credentials(authentication.replication, 'postgres.authentication.replication.password'),
        ...(authentication.rewind && { rewind: credentials(authentication.rewind, 'postgres.authentication.rewind.password') }),
      },
      parameters: spec.postgres.parameters,
      pg_hba: spec.postgres.pg_hba,
      pg_ctl_timeout: 60,
      callback_timeout: spec.postgres.callback_timeout,
      ...(spec.postgres.callbacks && { callbacks: spec.postgres.callbacks }),
    },
    bootstrap: bootstrap ?? { dcs: spec.dcs, initdb: spec.postgres.initdb },
    tags: host.tags ?? {},
    ...(spec.routing.vip && { vip: spec.routing.vip }),
    watchdog: { mode: spec.watchdog.mode, device: spec.watchdog.device, sysfs: '/sys', safety_margin: spec.watchdog.safety_margin },
  };
}

/**
 * Where a running agent stands in a move of the REST API from plain HTTP to HTTPS: `plain` serves
 * plain HTTP only; `prepared` serves HTTPS and, until the move ends, plain HTTP too; `tls` serves
 * HTTPS only. undefined without a readable agent.yaml of pgha's.
 */
export type ApiServing = 'plain' | 'prepared' | 'tls';

export function apiServing(content: string | undefined): ApiServing | undefined {
  if (content === undefined) return undefined;
  try {
    const restapi = (parse(content) as Partial<AgentConfig> | null)?.restapi;
    if (restapi === undefined) return undefined;
    return restapi.certfile === undefined ? 'plain' : restapi.plain_http_fallback === true ? 'prepared' : 'tls';
  } catch {
    return undefined;
  }
}

/** The file's content, and where in it the secrets are. */
export function agentConfigFile(spec: ClusterSpec, host: Host, secrets: Secrets, access: AgentApiAccess, etcd: EtcdSecurity, bootstrap?: AgentConfig['bootstrap']): SecretYaml {
  return secretYaml('# Written by pgha apply from the cluster spec; changes made here are undone by the next apply.\n', agentConfig(spec, host, secrets, access, etcd, bootstrap), secrets);
}
