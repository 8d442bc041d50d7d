// The etcd authentication resource against a real etcd on loopback (HTTPS, client certificates,
// authentication off at first): a first plan creates root, the agents' role and user and turns
// authentication on; a second plan has nothing to do; the agents' user reaches only its prefixes;
// a drift made by hand shows and is put back.
import { readFile } from 'node:fs/promises';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdAuthHandler, type ObservedEtcdAuth } from '../../cli/resources/etcd-auth.js';
import type { EtcdAuthResource } from '../../cli/resources/desired-resource.js';
import type { ApplyContext, ReadContext } from '../../cli/resources/resource-handler.js';
import { clusterAccess, type ClusterWriter, type EtcdClientSettings } from '../../cli/transport/cluster-access.js';
import { prefixPermission } from '../../cli/transport/etcd-auth-admin.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd-server.js';
import { labDesired, labSecrets, labSpecWithLoopbackEtcd, SECRET_VALUES } from '../unit/provisioner/lab-desired.js';

describe('etcd authentication as a resource, against a real etcd', () => {
  let etcd: EtcdServer;
  let tls: NonNullable<EtcdClientSettings['tls']>;
  let cluster: ClusterWriter;
  let access: () => ClusterWriter;
  let resource: EtcdAuthResource;
  const clients: Etcd3[] = [];

  beforeAll(async () => {
    etcd = await startEtcd({ secured: true, authEnabled: false });
    const port = etcd.endpoint.split(':')[1]!;
    const spec = labSpecWithLoopbackEtcd(port);
    const { certificates } = etcd.secured!;
    tls = { ca: await readFile(certificates.caFile, 'utf8'), cert: await readFile(certificates.clientCertFile, 'utf8'), key: await readFile(certificates.clientKeyFile, 'utf8') };
    const unused = (): never => {
      throw new Error('not used here');
    };
    access = () => clusterAccess(spec, labSecrets(), async () => ({ tls, root: { username: 'root', password: SECRET_VALUES.PGHA_ETCD_ROOT } }), unused, unused);
    cluster = access();
    resource = labDesired(spec).resources.find((r): r is EtcdAuthResource => r.kind === 'etcd_auth')!;
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    cluster?.close();
    await etcd?.stop();
  });

  const reading = (): ReadContext => ({ transport: () => { throw new Error('no host here'); }, cluster });
  const applying = (): ApplyContext => ({ transport: () => { throw new Error('no host here'); }, cluster, agentArchive: () => Promise.reject(new Error('unused')), issueCertificate: () => Promise.reject(new Error('unused')), waitEtcd: () => Promise.resolve(true), waitHealthy: () => Promise.resolve(true), waitAgentBack: () => Promise.resolve(true), waitUntil: () => Promise.resolve(true) });
  const read = (): Promise<ObservedEtcdAuth> => etcdAuthHandler.read(resource, reading());
  const as = (username: string, password: string): Etcd3 => {
    const client = new Etcd3({ hosts: `https://${etcd.endpoint}`, credentials: { rootCertificate: Buffer.from(tls.ca!), certChain: Buffer.from(tls.cert), privateKey: Buffer.from(tls.key) }, auth: { username, password } });
    clients.push(client);
    return client;
  };

  it('plans users, role and auth enable on an etcd without them, applies them, and then has nothing to do', async () => {
    const first = await read();
    expect(first).toMatchObject({ state: 'read', enabled: false, rootPassword: 'unchecked' });
    const change = etcdAuthHandler.diff(resource, first)!;
    expect(change.action).toBe('create');
    expect(change.details).toContain('auth enable (clients without a user are refused from then on)');
    expect(await etcdAuthHandler.apply(resource, first, applying())).toBe('etcd authentication on');
    const second = await read();
    expect(second).toMatchObject({ state: 'read', enabled: true, rootPassword: 'matches', password: 'matches' });
    expect(etcdAuthHandler.diff(resource, second)).toBeUndefined();
    expect(await cluster.etcdAuthEnabled()).toBe(true);
    // The next run finds authentication on by itself, and connects as root.
    const next = access();
    try {
      expect(await next.etcdAuthEnabled()).toBe(true);
      expect(etcdAuthHandler.diff(resource, await etcdAuthHandler.read(resource, { ...reading(), cluster: next }))).toBeUndefined();
      expect(await next.etcdMembers()).toHaveLength(1);
    } finally {
      next.close();
    }
  }, 60_000);

  it("lets the agents' user read and write its two prefixes and nothing else, and refuses a client without a user", async () => {
    const agents = as('pgha-lab', SECRET_VALUES.PGHA_ETCD_AGENT);
    await agents.put('/service/lab/probe').value('1');
    await agents.put('/pgha/lab/probe').value('1');
    expect(await agents.get('/service/lab/probe').string()).toBe('1');
    await expect(agents.put('/service/other/probe').value('1')).rejects.toThrow(/permission denied/);
    await expect(agents.put('/elsewhere').value('1')).rejects.toThrow(/permission denied/);
    await expect(agents.get('/service/other/probe').string()).rejects.toThrow(/permission denied/);
    const anonymous = new Etcd3({ hosts: `https://${etcd.endpoint}`, credentials: { rootCertificate: Buffer.from(tls.ca!), certChain: Buffer.from(tls.cert), privateKey: Buffer.from(tls.key) } });
    clients.push(anonymous);
    await expect(anonymous.get('/service/lab/probe').string()).rejects.toThrow(/user name is empty|permission denied/);
    await expect(as('pgha-lab', 'a guess').get('/service/lab/probe').string()).rejects.toThrow(/authentication failed/);
  }, 30_000);

  it('shows a permission and a password changed by hand, and puts them back', async () => {
    const root = await cluster.etcdAuthAdmin();
    await root.grant('pgha-lab', [prefixPermission('Read', '/')]);
    await root.setPassword('pgha-lab', 'changed by hand');
    const drifted = await read();
    expect(etcdAuthHandler.diff(resource, drifted)).toMatchObject({
      action: 'update',
      details: ['role pgha-lab: readwrite on /service/lab/ and /pgha/lab/ (prefixes) only', "user passwd pgha-lab: not the spec's (sensitive)"],
    });
    await etcdAuthHandler.apply(resource, drifted, applying());
    expect(etcdAuthHandler.diff(resource, await read())).toBeUndefined();
  }, 30_000);
});
