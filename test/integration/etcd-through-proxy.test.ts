// The etcd client's behaviour when etcd becomes unreachable (through a TCP proxy the test cuts):
// every call fails within its deadline, and works again once the path heals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { DcsUnavailableError } from '../../agent/dcs/kv-backend.js';
import { waitFor } from '../helpers/child-process.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe('etcd behind a cut TCP path', () => {
  let etcd: EtcdServer;
  let proxy: TcpProxy;
  let kv: EtcdGatewayKv;

  beforeAll(async () => {
    etcd = await startEtcd();
    const [host, port] = etcd.endpoint.split(':');
    proxy = await startTcpProxy(host!, Number(port));
    kv = new EtcdGatewayKv({ hosts: [`127.0.0.1:${proxy.port}`], protocol: 'http' });
  });

  afterAll(async () => {
    await kv?.close();
    await proxy?.close();
    await etcd?.stop();
  });

  it.each(['blackhole', 'refuse'] as const)('fails within the deadline when the path is cut (%s), and recovers', async (mode) => {
    expect((await kv.range('/x/', 1000)).kvs).toEqual([]);
    proxy.cut(mode);
    const started = Date.now();
    await expect(kv.range('/x/', 1000)).rejects.toBeInstanceOf(DcsUnavailableError);
    expect(Date.now() - started).toBeLessThan(2500);
    await expect(kv.keepAlive('1', 1000)).rejects.toBeInstanceOf(DcsUnavailableError);
    proxy.heal();
    await waitFor('etcd to answer again', async () => (await kv.range('/x/', 1000)).revision > 0, 10_000, 200);
  });
});
