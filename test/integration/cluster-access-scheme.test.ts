// pgha's etcd client against a real etcd on loopback that still serves plain HTTP while the spec
// wants TLS (a cluster about to move to it): it reads over plain HTTP, with no certificate and no
// password sent, and sees each member answer; once reconnected it tries TLS first again.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAccess, type ClusterWriter } from '../../cli/transport/cluster-access.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd-server.js';
import { makeCertificates } from '../helpers/test-certificates.js';
import { labSecrets, labSpecWithLoopbackEtcd, SECRET_VALUES } from '../unit/provisioner/lab-desired.js';

describe("pgha's etcd client and a member that serves plain HTTP only", () => {
  let etcd: EtcdServer;
  let cluster: ClusterWriter;
  let dir: string;

  beforeAll(async () => {
    etcd = await startEtcd();
    dir = await mkdtemp(join(tmpdir(), 'pgha-scheme-'));
    const certificates = await makeCertificates(dir);
    const port = etcd.endpoint.split(':')[1]!;
    const spec = labSpecWithLoopbackEtcd(port);
    const tls = { ca: await readFile(certificates.caFile, 'utf8'), cert: await readFile(certificates.clientCertFile, 'utf8'), key: await readFile(certificates.clientKeyFile, 'utf8') };
    const unused = (): never => {
      throw new Error('not used here');
    };
    cluster = clusterAccess(spec, labSecrets(), async () => ({ tls, root: { username: 'root', password: SECRET_VALUES.PGHA_ETCD_ROOT } }), unused, unused);
  }, 60_000);

  afterAll(async () => {
    cluster?.close();
    await etcd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads over plain HTTP where TLS fails for want of it, and finds every member answering', async () => {
    expect(await cluster.dcsConfig()).toBeNull();
    expect(await cluster.etcdAuthEnabled()).toBe(false);
    expect((await cluster.etcdMembers()) as unknown[]).toHaveLength(1);
    expect(await cluster.etcdSilentMembers()).toEqual([]);
    cluster.reconnectEtcd();
    expect(await cluster.dcsConfig()).toBeNull();
  });
});
