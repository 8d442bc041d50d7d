// A throwaway certificate authority with a server certificate for 127.0.0.1 and a client
// certificate, made with openssl, for TLS tests on loopback. The client certificate has no Common
// Name: etcd refuses gateway requests from a certificate with one (CVE-2018-16886); a second one
// with a Common Name shows that refusal.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificateFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate whose subject has a Common Name. */
  namedClientCertFile: string;
  namedClientKeyFile: string;
}

async function signed(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  const key = join(dir, `${name}.key`);
  const request = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, `${extensions}\n`);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', request, '-subj', subject]);
  await run('openssl', ['x509', '-req', '-in', request, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-out', join(dir, `${name}.crt`), '-extfile', extFile]);
}

async function makeAuthority(dir: string): Promise<void> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-subj', '/CN=pgha test CA']);
}

/** A CA and the one certificate etcd members at `addresses` serve, show their peers, and agents present. */
export async function makeEtcdMemberCertificate(dir: string, addresses: readonly string[], subject = '/O=pgha'): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  await makeAuthority(dir);
  await signed(dir, 'member', subject, `subjectAltName=${addresses.map((a) => `IP:${a}`).join(',')}\nextendedKeyUsage=serverAuth,clientAuth`);
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'member.crt'), keyFile: join(dir, 'member.key') };
}

export async function makeCertificates(dir: string): Promise<CertificateFiles> {
  await makeAuthority(dir);
  await signed(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth');
  await signed(dir, 'client', '/O=pgha', 'extendedKeyUsage=clientAuth');
  await signed(dir, 'named-client', '/CN=pgha-agent', 'extendedKeyUsage=clientAuth');
  return {
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    namedClientCertFile: join(dir, 'named-client.crt'),
    namedClientKeyFile: join(dir, 'named-client.key'),
  };
}

export async function clientTls(files: CertificateFiles): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }> {
  return { ca: await readFile(files.caFile), cert: await readFile(files.clientCertFile), key: await readFile(files.clientKeyFile) };
}
