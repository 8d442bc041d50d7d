// The apply lock against a real etcd on loopback, held by the apply that secures etcd: one that
// turns authentication on, and one that moves etcd from plain HTTP to TLS (the member restarts
// on the same port and data with TLS only, and pgha reconnects). Either way the lock must keep a
// second apply out well past its lease's ttl, and be gone once released.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireApplyLock } from '../../cli/engine/apply-lock.js';
import { clusterAccess, type ClusterWriter } from '../../cli/transport/cluster-access.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd-server.js';
import { makeCertificates, type CertificateFiles } from '../helpers/test-certificates.js';
import { labSecrets, labSpecWithLoopbackEtcd } from '../unit/provisioner/lab-desired.js';

const TTL_S = 5;
const HELD = /the apply lock \/pgha\/lab\/lock is held by .* pid \d+ since /;

describe('the apply lock, across the apply that secures etcd', () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** pgha's access to the etcd on `port`, which expects TLS (the default spec) and falls back to plain HTTP while etcd serves only that. */
  const accessTo = (port: string, certificates: CertificateFiles): ClusterWriter => {
    const unused = (): never => {
      throw new Error('not used here');
    };
    const settings = async () => ({
      tls: { ca: await readFile(certificates.caFile, 'utf8'), cert: await readFile(certificates.clientCertFile, 'utf8'), key: await readFile(certificates.clientKeyFile, 'utf8') },
      root: { username: 'root', password: 'etcd-root-secret' },
    });
    const cluster = clusterAccess(labSpecWithLoopbackEtcd(port), labSecrets(), settings, unused, unused);
    cleanups.push(() => cluster.close());
    return cluster;
  };
  const started = async (etcd: EtcdServer): Promise<EtcdServer> => {
    cleanups.push(() => etcd.stop());
    return etcd;
  };
  const take = (cluster: ClusterWriter) =>
    acquireApplyLock(cluster.applyLock(TTL_S), { timeoutMs: 0, now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
  const pastTheTtl = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3 * TTL_S * 1000));

  it('stays held after authentication goes on, past its lease ttl, and is free once released', async () => {
    const etcd = await started(await startEtcd({ secured: true, authEnabled: false }));
    const port = etcd.endpoint.split(':')[1]!;
    const applying = accessTo(port, etcd.secured!.certificates);
    const lock = await take(applying);
    await etcd.secured!.enableAuth();
    applying.etcdAuthTurnedOn();
    await pastTheTtl();
    await expect(take(accessTo(port, etcd.secured!.certificates))).rejects.toThrow(HELD);
    await lock.release();
    await (await take(accessTo(port, etcd.secured!.certificates))).release();
  }, 60_000);

  it('stays held after etcd moves from plain HTTP to TLS, past its lease ttl, and is free once released', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pgha-lock-etcd-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const certificates = await makeCertificates(dataDir);
    const plain = await startEtcd({ dataDir });
    const port = plain.endpoint.split(':')[1]!;
    const applying = accessTo(port, certificates);
    const lock = await take(applying);
    await plain.stop();
    await started(await startEtcd({ secured: true, authEnabled: false, clientPort: Number(port), certificates, dataDir }));
    applying.reconnectEtcd();
    await pastTheTtl();
    await expect(take(accessTo(port, certificates))).rejects.toThrow(HELD);
    await lock.release();
    await (await take(accessTo(port, certificates))).release();
  }, 90_000);
});
