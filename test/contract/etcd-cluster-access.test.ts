// pgha's cluster access (etcd3 over TLS with a client certificate) against a real etcd on loopback.
import { readFile } from 'node:fs/promises';
import { clusterAccess } from '../../cli/transport/cluster-access.js';
import { startEtcd } from '../helpers/etcd-server.js';
import { labSecrets, labSpecWithLoopbackEtcd, SECRET_VALUES } from '../unit/provisioner/lab-desired.js';
import { describeClusterContract } from './cluster-contract.js';

describeClusterContract('clusterAccess on a real etcd', async () => {
  const etcd = await startEtcd({ secured: true, authEnabled: false });
  const { certificates } = etcd.secured!;
  const tls = { ca: await readFile(certificates.caFile, 'utf8'), cert: await readFile(certificates.clientCertFile, 'utf8'), key: await readFile(certificates.clientKeyFile, 'utf8') };
  const unused = (): never => {
    throw new Error('not used here');
  };
  const cluster = clusterAccess(labSpecWithLoopbackEtcd(etcd.endpoint.split(':')[1]!), labSecrets(), async () => ({ tls, root: { username: 'root', password: SECRET_VALUES.PGHA_ETCD_ROOT } }), unused, unused);
  return {
    cluster,
    async close() {
      cluster.close();
      await etcd.stop();
    },
  };
});
