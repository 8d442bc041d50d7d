// How a spec secures etcd. TLS: with a certificate per host from the cluster CA (the default),
// with the spec's own files (`etcd.tls`), or none (`etcd.insecure`). Authentication, unless
// insecure: the `root` user for pgha (its password from `etcd.auth` or generated), and a user and
// role per cluster for the agents that read and write only the cluster's two prefixes.
import type { ClusterSpec, SecretRef } from '../../agent/contract/schema-types.js';
import { dcsLayout, pghaLayout } from '../../agent/contract/dcs-layout.js';
import type { GeneratedPassword, LocalMaterial } from '../pki/local-material.js';
import { UserError } from '../user-error.js';

export type EtcdTlsMode = 'cluster-ca' | 'supplied' | 'none';

export const ETCD_ROOT_USER = 'root';

export function etcdTlsMode(spec: ClusterSpec): EtcdTlsMode {
  if (spec.etcd.tls) return 'supplied';
  return spec.etcd.insecure ? 'none' : 'cluster-ca';
}

export const etcdScheme = (spec: ClusterSpec): string => (etcdTlsMode(spec) === 'none' ? 'http' : 'https');

/** A password pgha uses or renders: its reference (undefined before apply generates it) and what to call it in errors. */
export interface PasswordSource {
  ref: SecretRef | undefined;
  source: string;
}

export interface EtcdAuth {
  root: PasswordSource;
  /** The agents' user, and its role of the same name. */
  agents: PasswordSource & { user: string; prefixes: string[] };
}

/** What the local material must hold for etcd. */
export function etcdMaterialNeeds(spec: ClusterSpec): { ca: boolean; passwords: GeneratedPassword[] } {
  if (spec.etcd.insecure) return { ca: false, passwords: [] };
  return { ca: etcdTlsMode(spec) === 'cluster-ca', passwords: spec.etcd.auth ? ['etcd-agent-password'] : ['etcd-root-password', 'etcd-agent-password'] };
}

/** The prefixes the agents' role may read and write: Patroni's and pgha's own. */
export function clusterPrefixes(spec: ClusterSpec): string[] {
  return [dcsLayout(spec.metadata.namespace, spec.metadata.name).prefix, pghaLayout(spec.metadata.name).prefix];
}

function generated(material: LocalMaterial, name: GeneratedPassword): PasswordSource {
  const file = material.passwordFiles[name];
  return { ref: file === undefined ? undefined : { file }, source: `the generated password ${material.shown}/${name}` };
}

/** undefined when etcd runs without authentication (`etcd.insecure`). */
export function etcdAuth(spec: ClusterSpec, material: LocalMaterial): EtcdAuth | undefined {
  const given = spec.etcd.auth;
  if (spec.etcd.insecure) return undefined;
  if (given && given.username !== ETCD_ROOT_USER) throw new UserError(`etcd.auth.username is ${JSON.stringify(given.username.slice(0, 80))}, but pgha authenticates as etcd's ${ETCD_ROOT_USER} user, which etcd needs to turn authentication on: write ${ETCD_ROOT_USER}`);
  return {
    root: given ? { ref: given.password, source: 'etcd.auth.password' } : generated(material, 'etcd-root-password'),
    agents: { ...generated(material, 'etcd-agent-password'), user: `pgha-${spec.metadata.name}`, prefixes: clusterPrefixes(spec) },
  };
}

/** What rendering needs to know about etcd's security. */
export interface EtcdSecurity {
  mode: EtcdTlsMode;
  /** The cluster CA's certificate, for `cluster-ca`; undefined before apply creates it. */
  ca: string | undefined;
  auth: EtcdAuth | undefined;
  /** A running member still serves plain HTTP: the agents may fall back to it until the move to TLS ends. */
  plainHttpFallback?: boolean;
}

export function etcdSecurity(spec: ClusterSpec, material: LocalMaterial): EtcdSecurity {
  const mode = etcdTlsMode(spec);
  return { mode, ca: mode === 'cluster-ca' ? material.ca?.cert : undefined, auth: etcdAuth(spec, material) };
}
