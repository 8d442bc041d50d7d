import { FakeCluster, freshFakeEtcd } from '../../cli/transport/fake-cluster.js';
import { describeClusterContract } from './cluster-contract.js';

describeClusterContract('in-memory fake cluster', async () => ({
  cluster: new FakeCluster('lab', { etcd: { ...freshFakeEtcd(), members: [{ name: 'default', peerUrls: ['http://127.0.0.1:2380'] }] } }),
  close: async () => undefined,
}));
