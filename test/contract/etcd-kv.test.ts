import { EtcdKv } from '../../agent/dcs/etcd-kv.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { describeKvBackendContract } from './kv-backend-contract.js';

describeKvBackendContract('etcd', async () => {
  const etcd = await startEtcd();
  return {
    client: async () => new EtcdKv({ hosts: [etcd.endpoint], protocol: 'http' }),
    close: () => etcd.stop(),
  };
});
