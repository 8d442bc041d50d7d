// The etcd client against an etcd secured as in production: HTTPS with client certificates, and
// authentication; its tokens live one second where a test needs the client to log in again.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { DcsUnavailableError } from '../../agent/dcs/kv-backend.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd-server.js';
import { clientTls } from '../helpers/test-certificates.js';
import { describeKvBackendContract } from './kv-backend-contract.js';

async function securedClient(etcd: EtcdServer, password = etcd.secured!.root.password): Promise<EtcdGatewayKv> {
  const { certificates, root } = etcd.secured!;
  return new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'https', tls: await clientTls(certificates), auth: { username: root.username, password } });
}

describeKvBackendContract('etcd over HTTPS with authentication', async () => {
  const etcd = await startEtcd({ secured: true });
  return { client: () => securedClient(etcd), close: () => etcd.stop() };
});

describe('an etcd whose authentication is turned on while the client runs', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd({ secured: true, authEnabled: false });
  });
  afterAll(() => etcd?.stop());

  it('serves a client that holds credentials early, which logs in once authentication is on', async () => {
    const kv = await securedClient(etcd);
    const seen: string[][] = [];
    const stopWatch = kv.watch('/early/', (keys) => seen.push(keys));
    try {
      expect(await kv.txn([], [{ put: { key: '/early/a', value: '1' } }], [], 2000)).toBe(true);
      await etcd.secured!.enableAuth();
      expect(await kv.txn([], [{ put: { key: '/early/b', value: '2' } }], [], 2000)).toBe(true);
      expect((await kv.range('/early/', 2000)).kvs.map((kv) => kv.value)).toEqual(['1', '2']);
      const { certificates } = etcd.secured!;
      const anonymous = new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'https', tls: await clientTls(certificates) });
      try {
        await expect(anonymous.range('/early/', 2000)).rejects.toThrow(/user name is empty|permission denied|invalid auth token/);
      } finally {
        await anonymous.close();
      }
      await expect.poll(() => seen.flat(), { timeout: 10_000 }).toContain('/early/b');
    } finally {
      stopWatch();
      await kv.close();
    }
  });
});

describe('a secured etcd', () => {
  let etcd: EtcdServer;
  beforeAll(async () => {
    etcd = await startEtcd({ secured: true, authTokenTtl: 1 });
  });
  afterAll(() => etcd?.stop());

  it('is logged in to again once the token expired', async () => {
    const kv = await securedClient(etcd);
    try {
      expect(await kv.txn([], [{ put: { key: '/token/a', value: '1' } }], [], 2000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await kv.range('/token/', 2000)).kvs.map((kv) => kv.value)).toEqual(['1']);
    } finally {
      await kv.close();
    }
  });

  it('refuses a wrong password, naming the user', async () => {
    const kv = await securedClient(etcd, 'wrong');
    try {
      await expect(kv.range('/service/', 2000)).rejects.toThrow(DcsUnavailableError);
      await expect(kv.range('/service/', 2000)).rejects.toThrow(/etcd refused the credentials of root/);
    } finally {
      await kv.close();
    }
  });

  it('refuses a client without credentials', async () => {
    const { certificates } = etcd.secured!;
    const kv = new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'https', tls: await clientTls(certificates) });
    try {
      await expect(kv.range('/service/', 2000)).rejects.toThrow(/etcd answered \d+: .*(user name is empty|permission denied|invalid auth token)/);
    } finally {
      await kv.close();
    }
  });

  it('refuses a client certificate with a Common Name, saying so', async () => {
    const { certificates, root } = etcd.secured!;
    const tls = { ca: await readFile(certificates.caFile), cert: await readFile(certificates.namedClientCertFile), key: await readFile(certificates.namedClientKeyFile) };
    const kv = new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'https', tls, auth: root });
    try {
      await expect(kv.range('/service/', 2000)).rejects.toThrow(/client certificate that has a Common Name \(CN\); give the agent a client certificate without one/);
    } finally {
      await kv.close();
    }
  });

  it('refuses a client without a certificate', async () => {
    const { certificates, root } = etcd.secured!;
    const { ca } = await clientTls(certificates);
    const kv = new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'https', tls: { ca }, auth: root });
    try {
      await expect(kv.range('/service/', 2000)).rejects.toThrow(DcsUnavailableError);
    } finally {
      await kv.close();
    }
  });
});
