// etcd over TLS: one certificate, its key and the CA that signed it, read beside the spec and
// copied to every host. Each etcd member serves it to clients and peers and presents it to its
// peers; each agent presents it to etcd as its client certificate. So its subjectAltName must
// name every etcd host, and it must have no Common Name (etcd refuses JSON-gateway requests from
// a client certificate with one, and the agents speak to etcd through that gateway).
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { UserError } from '../user-error.js';
import type { Secrets } from './secrets.js';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Where etcd reads them: a directory of its own, since etcd cannot enter /etc/pgha. */
export const ETCD_MEMBER_TLS: TlsFiles = { ca: '/etc/pgha-etcd/ca.crt', cert: '/etc/pgha-etcd/member.crt', key: '/etc/pgha-etcd/member.key' };
/** Where the agent reads them. */
export const AGENT_ETCD_TLS: TlsFiles = { ca: '/etc/pgha/etcd-ca.crt', cert: '/etc/pgha/etcd-client.crt', key: '/etc/pgha/etcd-client.key' };

export interface EtcdTlsMaterial {
  ca?: string;
  cert: string;
  key: string;
}

function checkCertificate(spec: ClusterSpec, pem: string, file: string): void {
  const where = `etcd.tls.cert_file (${file})`;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new UserError(`${where} is not a PEM certificate`);
  }
  const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1];
  if (commonName !== undefined) {
    throw new UserError(`${where} has a Common Name (CN=${commonName}); the agents present it to etcd, which refuses gateway requests from a client certificate with one: issue it without a CN`);
  }
  for (const { host } of hostsWithRole(spec, 'etcd')) {
    const named = isIP(host.address) ? certificate.checkIP(host.address) : certificate.checkHost(host.address);
    if (named === undefined) throw new UserError(`${where} does not name etcd host ${host.name} (${host.address}) in its subjectAltName, and every member serves it`);
  }
}

/** The spec's etcd TLS files, read and checked; undefined when etcd runs without TLS. */
export function etcdTlsMaterial(spec: ClusterSpec, secrets: Secrets): EtcdTlsMaterial | undefined {
  const tls = spec.etcd.tls;
  if (!tls) return undefined;
  const cert = secrets.localFile(tls.cert_file, 'etcd.tls.cert_file');
  checkCertificate(spec, cert, tls.cert_file);
  return {
    ...(tls.ca_file && { ca: secrets.localFile(tls.ca_file, 'etcd.tls.ca_file') }),
    cert,
    key: secrets.localFile(tls.key_file, 'etcd.tls.key_file'),
  };
}
