// How the agents' REST API is secured, and so how pgha, HAProxy and the agents themselves reach
// it: HTTPS with a certificate per host from the cluster CA (or with the one certificate the
// spec's `agent.tls` names) unless the spec opts out (`agent.insecure: true`), and Basic auth
// always, with the spec's credentials or, without them, user `pgha` and a password pgha generates
// beside the spec (see cli/pki/local-material.ts).
import { X509Certificate } from 'node:crypto';
import type { ClusterSpec, Host, SecretRef } from '../../agent/contract/schema-types.js';
import { hasCommonName, namesAddress } from '../pki/certificate-check.js';
import type { KeyPair } from '../pki/openssl-issuer.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { UserError } from '../user-error.js';
import type { LocalMaterial, MaterialNeeds } from '../pki/local-material.js';
import type { TlsFiles } from './etcd-tls.js';
import type { Secrets } from './secrets.js';

/** Where the agent reads its certificate, key and the CA it checks its peers with. */
export const AGENT_API_TLS: TlsFiles = { ca: '/etc/pgha/api-ca.crt', cert: '/etc/pgha/api.crt', key: '/etc/pgha/api.key' };
/** The CA HAProxy checks the agents' certificates with. */
export const HAPROXY_API_CA = '/etc/haproxy/pgha-api-ca.crt';
/** The user of the generated credentials. */
export const GENERATED_API_USER = 'pgha';
/** What stands for the CA and the password in a plan made before apply creates them. */
export const CREATED_BY_APPLY = '(created by pgha apply)';

export interface AgentApiAccess {
  https: boolean;
  username: string;
  /** The password's reference; undefined in a plan made before apply generated it. */
  password: SecretRef | undefined;
  /** Which setting or file holds the password, for error messages. */
  passwordSource: string;
  /** The CA's certificate (PEM): the cluster CA's, or `agent.tls.ca_file`; undefined over plain HTTP, and before apply creates it. */
  ca: string | undefined;
  /** The certificate and key of `agent.tls`, which every agent serves instead of one from the cluster CA. */
  supplied?: KeyPair;
  /** Only while a running cluster's API moves to HTTPS: the agents serve plain HTTP too (restapi.plain_http_fallback). */
  plainHttpFallback?: boolean;
}

/** What the local material must hold for this spec. */
export function materialNeeds(spec: ClusterSpec): MaterialNeeds {
  return { ca: !spec.agent.insecure && !spec.agent.tls, passwords: spec.agent.auth === undefined ? ['agent-password'] : [] };
}

/** `agent.tls`'s files, read and checked: one certificate that names every postgres host, without a Common Name. */
function suppliedTls(spec: ClusterSpec, secrets: Secrets): { ca: string; supplied: KeyPair } | undefined {
  const tls = spec.agent.tls;
  if (!tls || spec.agent.insecure) return undefined;
  if (tls.ca_file === undefined) throw new UserError("agent.tls needs ca_file: the agents, HAProxy and pgha check every agent's certificate with that CA");
  const cert = secrets.localFile(tls.cert_file, 'agent.tls.cert_file');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new UserError(`agent.tls.cert_file (${tls.cert_file}) is not a PEM certificate`);
  }
  if (hasCommonName(certificate)) throw new UserError(`agent.tls.cert_file (${tls.cert_file}) has a Common Name; issue it without one, as the cluster CA does`);
  for (const { host } of hostsWithRole(spec, 'postgres')) {
    if (!namesAddress(certificate, host.address)) throw new UserError(`agent.tls.cert_file (${tls.cert_file}) does not name postgres host ${host.name} (${host.address}) in its subjectAltName, and every agent serves it`);
  }
  return { ca: secrets.localFile(tls.ca_file, 'agent.tls.ca_file'), supplied: { cert, key: secrets.localFile(tls.key_file, 'agent.tls.key_file') } };
}

export function agentApiAccess(spec: ClusterSpec, material: LocalMaterial, secrets: Secrets): AgentApiAccess {
  const generated = material.passwordFiles['agent-password'];
  const tls = suppliedTls(spec, secrets);
  return {
    https: !spec.agent.insecure,
    username: spec.agent.auth?.username ?? GENERATED_API_USER,
    password: spec.agent.auth?.password ?? (generated === undefined ? undefined : { file: generated }),
    passwordSource: spec.agent.auth ? 'agent.auth.password' : `the generated password ${material.shown}/agent-password`,
    ca: spec.agent.insecure ? undefined : (tls?.ca ?? material.ca?.cert),
    ...(tls && { supplied: tls.supplied }),
  };
}

/** The `restapi` section of a host's agent.yaml, its password as a placeholder (see secret-yaml.ts). */
export function restApiSettings(spec: ClusterSpec, host: Host, secrets: Secrets, access: AgentApiAccess) {
  return {
    listen: `0.0.0.0:${spec.agent.rest_port}`,
    connect_address: `${host.address}:${spec.agent.rest_port}`,
    authentication: { username: access.username, password: access.password ? secrets.placeholder(access.password, access.passwordSource) : secrets.placeholderOf(CREATED_BY_APPLY) },
    ...(access.https && { certfile: AGENT_API_TLS.cert, keyfile: AGENT_API_TLS.key, cafile: AGENT_API_TLS.ca }),
    // Written only while a move to HTTPS is under way, so that other files stay as they were.
    ...(access.https && access.plainHttpFallback && { plain_http_fallback: true }),
  };
}
