// Makes the cluster CA and the hosts' certificates with the `openssl` command on the machine that
// runs pgha. Why openssl and not a library: node:crypto makes and checks keys and certificates
// but cannot sign one; @peculiar/x509, the pure TypeScript choice, needs a global
// reflect-metadata polyfill and a dependency injection container in the CLI's bundle, for what
// two openssl commands do. openssl is on every machine pgha runs on (Debian's openssl package,
// macOS's LibreSSL); the tests already use it. Keys are EC P-256; every certificate has a random
// 128-bit serial number.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../user-error.js';

const run = promisify(execFile);

/** A certificate and its private key, both PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface CertificateIssuer {
  /** A new self-signed CA named after the cluster. */
  createAuthority(cluster: string): Promise<KeyPair>;
  /** A certificate for `addresses` (its subjectAltName; no Common Name), for servers and clients alike, valid `days` (397 unless given). */
  issue(ca: KeyPair, addresses: readonly string[], days?: number): Promise<KeyPair>;
}

const CA_DAYS = 3650;
const LEAF_DAYS = 397;
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const randomSerial = (): string => `0x${randomBytes(16).toString('hex')}`;

export const subjectAltName = (addresses: readonly string[]): string => addresses.map((a) => `${isIP(a) ? 'IP' : 'DNS'}:${a}`).join(',');

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new UserError('pgha makes the cluster CA and the hosts\' certificates with the openssl command, which is not installed here: install it (Debian: apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${stderr?.trim() ?? String(error)}`);
  }
}

/** Runs `work` in a private temporary directory, removed afterwards (it holds private keys). */
async function inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pgha-pki-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const opensslIssuer: CertificateIssuer = {
  createAuthority: (cluster) =>
    inScratch(async (dir) => {
      const [cert, key] = [join(dir, 'ca.crt'), join(dir, 'ca.key')];
      await openssl(['req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', String(CA_DAYS), '-set_serial', randomSerial(),
        '-subj', `/O=pgha/CN=pgha cluster CA ${cluster.replace(/[/=\\]/g, '_')}`,
        '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
    }),

  issue: (ca, addresses, days = LEAF_DAYS) =>
    inScratch(async (dir) => {
      const path = (name: string): string => join(dir, name);
      await writeFile(path('ca.crt'), ca.cert);
      await writeFile(path('ca.key'), ca.key, { mode: 0o600 });
      const extensions = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyAgreement', 'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${subjectAltName(addresses)}`];
      await writeFile(path('leaf.ext'), `${extensions.join('\n')}\n`);
      // No Common Name: etcd refuses gateway requests from a client certificate with one.
      await openssl(['req', '-new', ...EC_KEY, '-keyout', path('leaf.key'), '-out', path('leaf.csr'), '-subj', '/O=pgha']);
      await openssl(['x509', '-req', '-in', path('leaf.csr'), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-set_serial', randomSerial(),
        '-days', String(days), '-extfile', path('leaf.ext'), '-out', path('leaf.crt')]);
      return { cert: await readFile(path('leaf.crt'), 'utf8'), key: await readFile(path('leaf.key'), 'utf8') };
    }),
};
