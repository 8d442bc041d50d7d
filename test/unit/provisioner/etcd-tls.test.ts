import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileHandler } from '../../../cli/resources/file.js';
import type { DesiredResource, FileResource } from '../../../cli/resources/desired-resource.js';
import { makeEtcdMemberCertificate } from '../../helpers/test-certificates.js';
import { labDesired, labSecrets, labSpec } from './lab-desired.js';

const LAB = ['10.213.7.11', '10.213.7.12', '10.213.7.13'];

describe('etcd over TLS', () => {
  let root: string;
  let good: Awaited<ReturnType<typeof makeEtcdMemberCertificate>>;
  let named: Awaited<ReturnType<typeof makeEtcdMemberCertificate>>;
  let partial: Awaited<ReturnType<typeof makeEtcdMemberCertificate>>;

  const withTls = (files: typeof good) =>
    labSpec((text) => `${text}\netcd:\n  tls: { ca_file: ${files.caFile}, cert_file: ${files.certFile}, key_file: ${files.keyFile} }\n`);
  const file = (resources: DesiredResource[], host: string, path: string): FileResource =>
    resources.find((r): r is FileResource => r.kind === 'file' && r.host === host && r.path === path)!;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pgha-etcd-tls-'));
    const dir = async (name: string): Promise<string> => mkdtemp(join(root, name));
    good = await makeEtcdMemberCertificate(await dir('good'), LAB);
    named = await makeEtcdMemberCertificate(await dir('named'), LAB, '/CN=etcd');
    partial = await makeEtcdMemberCertificate(await dir('partial'), LAB.slice(0, 2));
  }, 30_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('copies the certificate to etcd and the agents, and switches both to https with client certificates', async () => {
    const secrets = labSecrets();
    const { resources } = labDesired(withTls(good), secrets);
    const key = await readFile(good.keyFile, 'utf8');
    const memberKey = file(resources, 'c2', '/etc/pgha-etcd/member.key');
    expect(memberKey).toMatchObject({ content: key, mode: '640', owner: 'root', group: 'etcd', restartsEtcd: false });
    expect(file(resources, 'c2', '/etc/pgha/etcd-client.key')).toMatchObject({ content: key, owner: 'postgres', restartsAgent: true });
    expect(file(resources, 'c2', '/etc/pgha-etcd/ca.crt').content).toBe(await readFile(good.caFile, 'utf8'));
    const environment = file(resources, 'c2', '/etc/default/etcd').content;
    expect(environment).toContain('ETCD_LISTEN_CLIENT_URLS=https://10.213.7.12:2379,https://127.0.0.1:2379\n');
    expect(environment).toContain('ETCD_INITIAL_CLUSTER=c1=https://10.213.7.11:2380,c2=https://10.213.7.12:2380,c3=https://10.213.7.13:2380\n');
    for (const line of ['CERT_FILE=/etc/pgha-etcd/member.crt', 'KEY_FILE=/etc/pgha-etcd/member.key', 'TRUSTED_CA_FILE=/etc/pgha-etcd/ca.crt', 'CLIENT_CERT_AUTH=true']) {
      expect(environment).toContain(`\nETCD_${line}\n`);
      expect(environment).toContain(`\nETCD_PEER_${line}\n`);
    }
    const agent = file(resources, 'c2', '/etc/pgha/agent.yaml').content;
    expect(agent).toMatch(/protocol: https\n\s+cert: \/etc\/pgha\/etcd-client\.crt\n\s+key: \/etc\/pgha\/etcd-client\.key\n\s+cacert: \/etc\/pgha\/etcd-ca\.crt\n/);
    const shown = fileHandler.diff(memberKey, null);
    expect(shown).toEqual({
      action: 'create',
      details: ['mode 640, owner root:etcd', 'content (sensitive)'],
      values: { before: null, after: { path: '/etc/pgha-etcd/member.key', mode: '640', owner: 'root', group: 'etcd', sha256: null, sensitive: true } },
    });
    expect(fileHandler.diff(memberKey, { content: 'an old key', mode: '640', owner: 'root', group: 'etcd' })?.details).toEqual(['content changed (sensitive)']);
  });

  it('refuses a certificate with a Common Name, or one that does not name every etcd host', () => {
    expect(() => labDesired(withTls(named))).toThrow(/^etcd\.tls\.cert_file \(.*member\.crt\) has a Common Name \(CN=etcd\); the agents present it to etcd/);
    expect(() => labDesired(withTls(partial))).toThrow(/^etcd\.tls\.cert_file \(.*member\.crt\) does not name etcd host c3 \(10\.213\.7\.13\) in its subjectAltName, and every member serves it$/);
  });
});
