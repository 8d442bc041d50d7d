import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { describeDcsContract } from './dcs-contract.js';
import { describeKvBackendContract } from './kv-backend-contract.js';

const harness = async () => {
  const etcd = await startEtcd();
  return { client: async () => new EtcdGatewayKv({ hosts: [etcd.endpoint], protocol: 'http' }), close: () => etcd.stop() };
};

describeKvBackendContract('etcd (JSON gateway)', harness);
describeDcsContract('etcd (JSON gateway)', harness);
