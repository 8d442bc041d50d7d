// The cluster PKI: certificates issued from the cluster CA, and the check that keeps a host's
// certificate across plans (certificates differ in every byte each time they are issued) and
// issues a new one only when the one there no longer does.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCertificate, RENEW_BEFORE_MS } from '../../../cli/pki/certificate-check.js';
import { clusterPki } from '../../../cli/pki/cluster-pki.js';
import { ensureLocalMaterial, readLocalMaterial, type GeneratedPassword } from '../../../cli/pki/local-material.js';
import { opensslIssuer, type KeyPair } from '../../../cli/pki/openssl-issuer.js';
import type { HostCertificateResource } from '../../../cli/resources/desired-resource.js';
import { hostCertificateHandler, type ObservedHostCertificate } from '../../../cli/resources/host-certificate.js';
import type { ApplyContext, ReadContext } from '../../../cli/resources/resource-handler.js';
import type { ObservedFile } from '../../../cli/transport/transport.js';
import { UserError } from '../../../cli/user-error.js';
import { labSecrets, labSpec } from '../provisioner/lab-desired.js';

const ADDRESS = '10.213.7.11';
const DAY_MS = 24 * 3600 * 1000;

let ca: KeyPair;
let otherCa: KeyPair;
let leaf: KeyPair;

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([opensslIssuer.createAuthority('lab'), opensslIssuer.createAuthority('lab')]);
  leaf = await opensslIssuer.issue(ca, [ADDRESS]);
});

const resource = (overrides: Partial<HostCertificateResource> = {}): HostCertificateResource => ({
  kind: 'host_certificate',
  id: 'c1/host_certificate//etc/pgha/api.crt',
  host: 'c1',
  stage: 'host',
  after: [],
  addresses: [ADDRESS],
  ca: ca.cert,
  cert: '/etc/pgha/api.crt',
  key: '/etc/pgha/api.key',
  owner: 'postgres',
  group: 'postgres',
  restartsAgent: true,
  ...overrides,
});

/** A host holding these files; records what apply runs on it. */
function host(files: Record<string, ObservedFile>) {
  const ran: { argv: readonly string[]; stdin?: string }[] = [];
  const transport = {
    host: 'c1',
    readFile: async (path: string) => files[path],
    query: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    run: async (argv: readonly string[], stdin?: Buffer) => {
      ran.push({ argv, ...(stdin && { stdin: stdin.toString() }) });
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  const read = { transport: () => transport } as unknown as ReadContext;
  const apply = { transport: () => transport, issueCertificate: (addresses: readonly string[]) => opensslIssuer.issue(ca, addresses) } as unknown as ApplyContext;
  return { read, apply, ran };
}

const held = (pair: KeyPair, keyMode = '600'): Record<string, ObservedFile> => ({
  '/etc/pgha/api.crt': { content: pair.cert, mode: '644', owner: 'postgres', group: 'postgres' },
  '/etc/pgha/api.key': { content: pair.key, mode: keyMode, owner: 'postgres', group: 'postgres' },
});

describe('the cluster CA and its certificates', () => {
  it('makes an EC P-256 CA, and host certificates it signed for servers and clients, naming the address and without a Common Name', () => {
    const authority = new X509Certificate(ca.cert);
    expect(authority.ca).toBe(true);
    expect(authority.subject).toContain('CN=pgha cluster CA lab');
    const certificate = new X509Certificate(leaf.cert);
    expect(certificate.ca).toBe(false);
    expect(certificate.verify(authority.publicKey)).toBe(true);
    expect(certificate.subject).not.toMatch(/CN=/);
    expect(certificate.checkIP(ADDRESS)).toBe(ADDRESS);
    expect(certificate.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(createPrivateKey(leaf.key).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(certificate.checkPrivateKey(createPrivateKey(leaf.key))).toBe(true);
  });

  it('gives every certificate a random serial number', async () => {
    const again = await opensslIssuer.issue(ca, [ADDRESS, 'db1.example.com']);
    expect(new X509Certificate(again.cert).serialNumber).not.toBe(new X509Certificate(leaf.cert).serialNumber);
    expect(new X509Certificate(again.cert).checkHost('db1.example.com')).toBe('db1.example.com');
  });

  it('keeps a certificate that is signed by the cluster CA, names the address, is far from expiry and matches its key', () => {
    expect(checkCertificate({ cert: leaf.cert, key: leaf.key }, { ca: ca.cert, addresses: [ADDRESS] }, new Date())).toMatchObject({ state: 'valid' });
  });

  it.each([
    ['another CA signed it', () => ({ cert: leaf.cert, key: leaf.key, ca: otherCa.cert, addresses: [ADDRESS], now: new Date() }), /^it was issued by another CA \(O=pgha, CN=pgha cluster CA lab\)$/],
    ['it names another address', () => ({ cert: leaf.cert, key: leaf.key, ca: ca.cert, addresses: ['10.213.7.12'], now: new Date() }), /^it does not name 10\.213\.7\.12$/],
    ['it expires within 30 days', () => ({ cert: leaf.cert, key: leaf.key, ca: ca.cert, addresses: [ADDRESS], now: new Date(Date.parse(new X509Certificate(leaf.cert).validTo) - RENEW_BEFORE_MS + DAY_MS) }), /^it expires .* \(in less than 30 days\)$/],
    ['its key is another', () => ({ cert: leaf.cert, key: ca.key, ca: ca.cert, addresses: [ADDRESS], now: new Date() }), /^its private key is missing or does not match it$/],
    ['it is not a certificate', () => ({ cert: 'garbage', key: leaf.key, ca: ca.cert, addresses: [ADDRESS], now: new Date() }), /^the file there is not a PEM certificate$/],
  ])('does not keep a certificate when %s', (_what, make, problem) => {
    const { cert, key, ca: authority, addresses, now } = make();
    const verdict = checkCertificate({ cert, key }, { ca: authority, addresses }, now);
    expect(verdict.state).toBe('invalid');
    expect(verdict.state === 'invalid' && verdict.problem).toMatch(problem);
  });

  it('sees no certificate as absent, and any certificate as another CA\'s while the cluster CA does not exist', () => {
    expect(checkCertificate({ cert: undefined, key: undefined }, { ca: ca.cert, addresses: [ADDRESS] }, new Date())).toEqual({ state: 'absent' });
    expect(checkCertificate({ cert: leaf.cert, key: leaf.key }, { ca: undefined, addresses: [ADDRESS] }, new Date())).toMatchObject({ state: 'invalid', foreignIssuer: 'O=pgha, CN=pgha cluster CA lab' });
  });
});

describe('a host certificate resource', () => {
  it('plans no change for a valid certificate, so a plan right after apply shows none', async () => {
    const { read } = host(held(leaf));
    const observed = await hostCertificateHandler.read(resource(), read);
    expect(observed).toMatchObject({ state: 'valid' });
    expect(JSON.stringify(observed)).not.toContain('PRIVATE KEY');
    expect(hostCertificateHandler.diff(resource(), observed)).toBeUndefined();
  });

  it('issues one where there is none, and says apply creates the CA when it does not exist yet', async () => {
    const { read } = host({});
    const observed = await hostCertificateHandler.read(resource(), read);
    expect(hostCertificateHandler.diff(resource(), observed)).toEqual({
      action: 'create',
      details: [`a new key (sensitive) and a certificate for ${ADDRESS} from the cluster CA`],
      values: { before: null, after: { cert: '/etc/pgha/api.crt', key: '/etc/pgha/api.key', valid: true, addresses: [ADDRESS], attributes_ok: true } },
    });
    const { ca: _none, ...withoutCa } = resource();
    expect(hostCertificateHandler.diff(withoutCa, observed)?.details).toEqual([`a new key (sensitive) and a certificate for ${ADDRESS} from the cluster CA, which apply creates first`]);
  });

  it('replaces one from another CA, saying so', async () => {
    const foreign = await opensslIssuer.issue(otherCa, [ADDRESS]);
    const { read } = host(held(foreign));
    const change = hostCertificateHandler.diff(resource(), await hostCertificateHandler.read(resource(), read));
    expect(change?.action).toBe('replace');
    expect(change?.details[0]).toMatch(/^the certificate there is not kept: it was issued by another CA/);
  });

  it('writes a new key (mode 600) and certificate beside the old ones, then renames them over', async () => {
    const { apply, ran } = host({});
    const remark = await hostCertificateHandler.apply(resource(), { state: 'absent' }, apply);
    expect(remark).toBe(`issued a certificate for ${ADDRESS} from the cluster CA`);
    const writes = ran.filter((r) => r.stdin !== undefined);
    expect(writes.map((w) => w.argv.slice(-3))).toEqual([
      ['/etc/pgha/api.key.pgha-new', 'postgres:postgres', '600'],
      ['/etc/pgha/api.crt.pgha-new', 'postgres:postgres', '644'],
    ]);
    const [key, cert] = writes.map((w) => w.stdin!);
    expect(checkCertificate({ cert, key }, { ca: ca.cert, addresses: [ADDRESS] }, new Date())).toMatchObject({ state: 'valid' });
    expect(ran.at(-1)?.argv.slice(-2)).toEqual(['/etc/pgha/api.key', '/etc/pgha/api.crt']);
  });

  it('sets the mode of a valid certificate\'s key without issuing a new one', async () => {
    const { read, apply, ran } = host(held(leaf, '644'));
    const observed = (await hostCertificateHandler.read(resource(), read)) as ObservedHostCertificate;
    expect(hostCertificateHandler.diff(resource(), observed)).toMatchObject({ action: 'update', details: ['key: mode 644 → 600'], values: { before: { valid: true, attributes_ok: false }, after: { attributes_ok: true } } });
    await hostCertificateHandler.apply(resource(), observed, apply);
    expect(ran.filter((r) => r.stdin !== undefined)).toEqual([]);
  });
});

describe('the material kept beside the spec', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pgha-pki-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is only read by plan, and created by apply once: the CA and a generated password, readable by their owner only', async () => {
    const needs = { ca: true, passwords: ['agent-password', 'etcd-root-password', 'etcd-agent-password'] as const satisfies GeneratedPassword[] };
    const before = readLocalMaterial(dir, 'lab');
    expect(before).toMatchObject({ ca: undefined, passwordFiles: {} });
    await expect(stat(join(dir, '.pgha'))).rejects.toThrow(/ENOENT/);
    const created = await ensureLocalMaterial(dir, 'lab', { ...needs, passwords: [...needs.passwords] }, opensslIssuer);
    const path = join(dir, '.pgha', 'lab');
    expect(created.passwordFiles).toEqual(Object.fromEntries(needs.passwords.map((name) => [name, join(path, name)])));
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    for (const file of ['ca.key', ...needs.passwords]) expect((await stat(join(path, file))).mode & 0o777).toBe(0o600);
    for (const name of needs.passwords) expect((await readFile(join(path, name), 'utf8')).trim()).toMatch(/^[\w-]{32}$/);
    const again = await ensureLocalMaterial(dir, 'lab', { ...needs, passwords: [...needs.passwords] }, opensslIssuer);
    expect(again.ca).toEqual(created.ca);
  });

  it('refuses a CA certificate without its key', async () => {
    const other = await mkdtemp(join(tmpdir(), 'pgha-pki-'));
    try {
      await ensureLocalMaterial(other, 'lab', { ca: true, passwords: [] }, opensslIssuer);
      await rm(join(other, '.pgha', 'lab', 'ca.key'));
      expect(() => readLocalMaterial(other, 'lab')).toThrow(UserError);
      expect(() => readLocalMaterial(other, 'lab')).toThrow(/ca\.key is missing beside ca\.crt/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses to plan a new CA while the hosts hold certificates from another one, rather than re-key them', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'pgha-pki-'));
    try {
      await writeFile(join(empty, 'cluster.yaml'), '');
      const pki = clusterPki(labSpec(), empty, opensslIssuer, labSecrets());
      expect(pki.pending()).toMatch(/^the cluster CA \(ca\.crt, ca\.key\)/);
      const desired = [resource({ ca: undefined })];
      const foreign = new Map([[desired[0]!.id, checkCertificate({ cert: leaf.cert, key: leaf.key }, { ca: undefined, addresses: [ADDRESS] }, new Date())]]);
      expect(() => pki.refuseForeignHeld(desired, foreign)).toThrow(/already holds a certificate from a CA: copy .* from the machine that first applied this cluster/);
      expect(() => pki.refuseForeignHeld(desired, new Map([[desired[0]!.id, { state: 'absent' }]]))).not.toThrow();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
