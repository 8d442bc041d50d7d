// The lab spec rendered for unit tests, with its secrets from the environment (the lab's secret
// files exist only once the lab was created).
import { readFileSync } from 'node:fs';
import packageJson from '../../../package.json' with { type: 'json' };
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';
import { agentApiAccess, type AgentApiAccess } from '../../../cli/desired/agent-api-access.js';
import { desiredState, type DesiredFacts } from '../../../cli/desired/desired-state.js';
import { etcdSecurity, type EtcdSecurity } from '../../../cli/desired/etcd-access.js';
import type { PlanHeader } from '../../../cli/engine/build-plan.js';
import { digester } from '../../../cli/engine/digest.js';
import { Secrets } from '../../../cli/desired/secrets.js';
import type { DesiredResource } from '../../../cli/resources/desired-resource.js';
import { restartParameters } from '../../../cli/resources/postgres-rolling-restart.js';
import { wantedPermissions } from '../../../cli/resources/etcd-auth.js';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { projectPath } from '../../helpers/paths.js';

export const SECRET_VALUES = {
  PGHA_SUPERUSER: 'super-Secret-1f9a',
  PGHA_REPLICATION: 'repl-Secret-77c2',
  PGHA_REWIND: 'rewind-Secret-e01b',
  PGHA_AGENT: 'agent-Secret-5d3e',
  PGHA_APP: 'app-Secret-90ab',
  PGHA_ETCD_ROOT: 'etcd-root-Secret-31c4',
  PGHA_ETCD_AGENT: 'etcd-agent-Secret-a8d0',
};

export function labSpec(edit: (text: string) => string = (t) => t): ClusterSpec {
  const text = readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8')
    .replace('{ file: secrets/superuser-password }', '{ env: PGHA_SUPERUSER }')
    .replace('{ file: secrets/replication-password }', '{ env: PGHA_REPLICATION }')
    .replace('{ file: secrets/rewind-password }', '{ env: PGHA_REWIND }')
    .replace('{ file: secrets/agent-password }', '{ env: PGHA_AGENT }')
    .replace('{ file: secrets/app-password }', '{ env: PGHA_APP }');
  const { spec, diagnostics } = checkSpec(edit(text));
  if (!spec) throw new Error(JSON.stringify(diagnostics));
  return spec;
}

export function labSecrets(): Secrets {
  return new Secrets({ specDirectory: projectPath('inventories/lab'), env: SECRET_VALUES });
}

/** The digests of a plan made on a machine whose key is 32 bytes of 7. */
export const TEST_DIGEST = digester(Buffer.alloc(32, 7));

/** The header of a plan of the lab spec, made with TEST_DIGEST. */
export const LAB_PLAN_HEADER: PlanHeader = {
  format_version: 2,
  pgha_version: packageJson.version,
  created_at: '2026-11-23T00:00:00.000Z',
  cluster: 'lab',
  spec: { file: 'inventories/lab/cluster.yaml', digest: 'b'.repeat(64) },
  digest_key: TEST_DIGEST.keyId,
  warnings: [],
};

export const BARE_FACTS: DesiredFacts = {
  release: { version: '0.1.0', digest: 'a'.repeat(64) },
  etcdMembers: 'unreachable',
  etcdRecordedFirstStart: new Map(),
  etcdListening: new Map(),
  apiServing: new Map(),
  recordedBootstrap: new Map(),
};

/** A stand-in for the cluster CA's certificate: rendering copies it, and only a host's certificate check parses it. */
export const LAB_CA = '-----BEGIN CERTIFICATE-----\n(the lab CA)\n-----END CERTIFICATE-----\n';

/** The REST API access of `spec` once apply created the cluster CA beside it. */
export function labAccess(spec = labSpec()): AgentApiAccess {
  return agentApiAccess(spec, { shown: '.pgha/lab', ca: { cert: LAB_CA, key: '(unused)' }, passwordFiles: { 'agent-password': '/nonexistent/agent-password' } }, labSecrets());
}

/** etcd's security for `spec` once apply created the cluster CA and the etcd passwords (here from the environment). */
export function labEtcd(spec = labSpec()): EtcdSecurity {
  const security = etcdSecurity(spec, { shown: '.pgha/lab', ca: { cert: LAB_CA, key: '(unused)' }, passwordFiles: {} });
  if (!security.auth) return security;
  const { root, agents } = security.auth;
  return { ...security, auth: { root: { ...root, ref: { env: 'PGHA_ETCD_ROOT' } }, agents: { ...agents, ref: { env: 'PGHA_ETCD_AGENT' } } } };
}

export function labDesired(spec = labSpec(), secrets = labSecrets(), facts = BARE_FACTS, access = labAccess(spec), etcd = labEtcd(spec)) {
  return desiredState(spec, secrets, facts, access, etcd);
}

/** What refresh reads from bare hosts and a cluster that does not run yet. */
export function bareObserved(resource: DesiredResource): unknown {
  switch (resource.kind) {
    case 'package':
      return { installed: false };
    case 'directory':
    case 'file':
      return null;
    case 'service':
      return { enabled: 'not-found', active: 'inactive' };
    case 'kernel_module':
      return { loaded: false, container: 'systemd-nspawn' };
    case 'agent_release':
      return { release: null };
    case 'distro_clusters':
      return [];
    case 'etcd_member':
      return 'unreachable';
    case 'dcs_config':
      return { state: 'unreachable' };
    case 'postgres_role':
      return { state: 'no-leader' };
    case 'host_certificate':
      return { state: 'absent' };
    case 'etcd_auth':
    case 'postgres_rolling_restart':
      return { state: 'unreachable' };
  }
}

/** What refresh reads once every host and the cluster match the spec. */
export function convergedObserved(resource: DesiredResource): unknown {
  switch (resource.kind) {
    case 'package':
      return { installed: true, version: '1' };
    case 'directory':
      return { mode: resource.mode, owner: resource.owner, group: resource.group };
    case 'file':
      return { content: resource.content, mode: resource.mode, owner: resource.owner, group: resource.group };
    case 'service':
      return { enabled: resource.enabled ? 'enabled' : 'disabled', active: resource.active ? 'active' : 'inactive' };
    case 'agent_release':
      return { release: `${resource.version} ${resource.digest}` };
    case 'etcd_member':
      return [{ name: resource.name, peerUrls: [resource.peerUrl] }];
    case 'dcs_config':
      return { state: 'present', value: JSON.parse(JSON.stringify(resource.config)), revision: '5' };
    case 'postgres_rolling_restart':
      return { state: 'present', paused: false, parameters: restartParameters(resource.config.postgresql?.parameters), pending: {} };
    case 'postgres_role':
      return { state: 'present', attributes: resource.attributes, password: 'matches' };
    case 'host_certificate':
      return { state: 'valid', fingerprint: 'AB:CD', expires: 'Dec  1 00:00:00 2027 GMT' };
    case 'etcd_auth':
      return {
        state: 'read', enabled: true, users: { [resource.rootUser]: ['root'], [resource.user]: [resource.user] },
        permissions: wantedPermissions(resource), rootPassword: 'matches', password: 'matches',
      };
    default:
      return bareObserved(resource);
  }
}

/** The lab spec with one etcd, on 127.0.0.1 at `port` (c1), for tests against an etcd on loopback. */
export function labSpecWithLoopbackEtcd(port: string): ClusterSpec {
  return labSpec((text) =>
    `${text.replace(/^ {2}- \{ name: c1, .*$/m, '  - { name: c1, address: 127.0.0.1, roles: [postgres, etcd, haproxy] }').replace(/(name: c[23], .*roles: )\[[^\]]*\]/g, '$1[postgres]')}\netcd:\n  client_port: ${port}\n  allow_single_etcd: true\n`,
  );
}
