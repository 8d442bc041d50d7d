// A single-member etcd (Debian's etcd-server) on loopback, in a temporary data directory; on
// request secured as a production cluster would be: HTTPS with client certificates, and
// authentication enabled for a root user with a password.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type RunningProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { makeCertificates, type CertificateFiles } from './test-certificates.js';

const ROOT_PASSWORD = 'etcd-root-secret';

export interface EtcdServer {
  /** `127.0.0.1:port` */
  endpoint: string;
  process: RunningProcess;
  stop(): Promise<void>;
  /** Set for a secured etcd: the certificates, the root user's credentials, and the switch for an etcd started with authentication off. */
  secured?: { certificates: CertificateFiles; root: { username: string; password: string }; enableAuth(): Promise<void> };
}

function etcdctl(endpoint: string, certificates: CertificateFiles, args: string[]): Promise<void> {
  const tls = [`--cacert=${certificates.caFile}`, `--cert=${certificates.clientCertFile}`, `--key=${certificates.clientKeyFile}`];
  return new Promise((resolve, reject) =>
    execFile('etcdctl', [`--endpoints=${endpoint}`, ...tls, '--user=root', `--password=${ROOT_PASSWORD}`, ...args], { timeout: 15_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`etcdctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(),
    ),
  );
}

/**
 * `secured`: HTTPS with client-certificate checks and a root user, with authentication enabled
 * unless `authEnabled` is false; `authTokenTtl` shortens the simple tokens' life; `clientPort`
 * reuses a port (a member restarted with TLS where it served plain HTTP), `certificates` the CA
 * and certificates of an earlier test, `dataDir` the data of an earlier member (the caller's to remove).
 */
export async function startEtcd(
  options: { secured?: boolean; authTokenTtl?: number; authEnabled?: boolean; clientPort?: number; certificates?: CertificateFiles; dataDir?: string } = {},
): Promise<EtcdServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pgha-etcd-'));
  const [clientPort, peerPort] = [options.clientPort ?? (await freePort()), await freePort()];
  const scheme = options.secured ? 'https' : 'http';
  const client = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const certificates = options.secured ? (options.certificates ?? (await makeCertificates(dataDir))) : undefined;
  const tlsFlags = certificates
    ? [`--cert-file=${certificates.serverCertFile}`, `--key-file=${certificates.serverKeyFile}`, `--trusted-ca-file=${certificates.caFile}`, '--client-cert-auth']
    : [];
  const process = startProcess('etcd', [
    ...tlsFlags,
    ...(options.authTokenTtl ? [`--auth-token-ttl=${options.authTokenTtl}`] : []),
    '--name=test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    '--initial-cluster-state=new',
    '--log-level=error',
  ]);
  const stop = async (): Promise<void> => {
    await process.stop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (certificates) {
      await waitFor('etcd to answer', () => etcdctl(client, certificates, ['endpoint', 'health']).then(() => true), 15_000);
      await etcdctl(client, certificates, ['user', 'add', `root:${ROOT_PASSWORD}`]);
      if (options.authEnabled !== false) await etcdctl(client, certificates, ['auth', 'enable']);
    } else {
      await waitFor('etcd to answer /health', async () => (await fetch(`${client}/health`)).ok, 15_000);
    }
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\netcd output:\n${process.output()}`);
  }
  const secured = certificates
    ? { certificates, root: { username: 'root', password: ROOT_PASSWORD }, enableAuth: () => etcdctl(client, certificates, ['auth', 'enable']) }
    : undefined;
  return { endpoint: `127.0.0.1:${clientPort}`, process, stop, ...(secured ? { secured } : {}) };
}
