import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { DcsUnavailableError } from '../../agent/dcs/kv-backend.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { freePort } from '../helpers/free-port.js';
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
