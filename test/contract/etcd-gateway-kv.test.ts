import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { DcsUnavailableError } from '../../agent/dcs/kv-backend.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { freePort } from '../helpers/free-port.js';
import { clientTls, makeCertificates } from '../helpers/test-certificates.js';
import { describeDcsContract } from './dcs-contract.js';
import { describeKvBackendContract } from './kv-backend-contract.js';

const harness = async () => {
  const etcd = await startEtcd();
  return { client: async () => new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'http' }), close: () => etcd.stop() };
};

describeKvBackendContract('etcd (JSON gateway)', harness);
describeDcsContract('etcd (JSON gateway)', harness);

describe('etcd (JSON gateway) with several members', () => {
  it('goes on to the next member within the same call when one refuses the connection (stopped, restarting)', async () => {
    const etcd = await startEtcd();
    try {
      const stopped = `127.0.0.1:${await freePort()}`;
      const kv = new EtcdGatewayKv({ hosts: [stopped, etcd.endpoint], protocol: 'http' });
      expect(await kv.txn([], [{ put: { key: '/t/a', value: '1' } }], [], 2000)).toBe(true);
      expect((await kv.range('/t/', 2000)).kvs.map((k) => k.value)).toEqual(['1']);
      await kv.close();
    } finally {
      await etcd.stop();
    }
  });

  it('goes on to the next member when one answers 5xx (its gateway cannot reach its own gRPC server)', async () => {
    const etcd = await startEtcd();
    const broken = createServer((_request, response) => response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"connection closed","code":14}'));
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const kv = new EtcdGatewayKv({ hosts: [`127.0.0.1:${(broken.address() as AddressInfo).port}`, etcd.endpoint], protocol: 'http' });
      expect(await kv.txn([], [{ put: { key: '/t/b', value: '2' } }], [], 2000)).toBe(true);
      await kv.close();
      const alone = new EtcdGatewayKv({ hosts: [`127.0.0.1:${(broken.address() as AddressInfo).port}`], protocol: 'http' });
      await expect(alone.range('/t/', 2000)).rejects.toThrow('etcd answered 503: connection closed');
      await alone.close();
    } finally {
      await new Promise((resolve) => broken.close(resolve));
      await etcd.stop();
    }
  });

  it('fails at once, with the reason, when every member refuses the connection', async () => {
    const kv = new EtcdGatewayKv({ hosts: [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`], protocol: 'http' });
    const started = Date.now();
    const failure = kv.range('/t/', 2000);
    await expect(failure).rejects.toBeInstanceOf(DcsUnavailableError);
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1000);
    await kv.close();
  });
});

describe('etcd (JSON gateway) while a running etcd moves from plain HTTP to TLS', () => {
  it('speaks plain HTTP, without credentials, to a member that serves only that, and TLS again once it does', async () => {
    const plain = await startEtcd();
    const port = Number(plain.endpoint.split(':')[1]);
    const dir = await mkdtemp(join(tmpdir(), 'pgha-fallback-'));
    let secured: Awaited<ReturnType<typeof startEtcd>> | undefined;
    try {
      const files = await makeCertificates(dir);
      const connection = { hosts: [plain.endpoint], protocol: 'https' as const, tls: await clientTls(files), auth: { username: 'root', password: 'unused while authentication is off' } };
      const strict = new EtcdGatewayKv(connection);
      await expect(strict.range('/t/', 2000)).rejects.toBeInstanceOf(DcsUnavailableError);
      await strict.close();
      const moving = new EtcdGatewayKv({ ...connection, plainHttpFallback: true });
      expect(await moving.txn([], [{ put: { key: '/t/c', value: '3' } }], [], 2000)).toBe(true);
      await plain.stop();
      secured = await startEtcd({ secured: true, authEnabled: false, clientPort: port, certificates: files });
      // The same client: etcd answers its plain-HTTP request with a 400, and it goes back to TLS.
      expect((await moving.range('/t/', 2000)).kvs).toEqual([]);
      await moving.close();
    } finally {
      await plain.stop().catch(() => undefined);
      await secured?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
