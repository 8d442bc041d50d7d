import { EtcdKv } from '../../agent/dcs/etcd-kv.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { describeDcsContract } from './dcs-contract.js';

describeDcsContract('etcd', async () => {
  const etcd = await startEtcd();
  return { client: async () => new EtcdKv({ hosts: [etcd.endpoint], protocol: 'http' }), close: () => etcd.stop() };
});
