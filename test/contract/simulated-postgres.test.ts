import { SimulatedPostgresWorld } from '../../agent/postgres/simulated-postgres.js';
import type { PostgresSettings } from '../../agent/postgres/postgres-controller.js';
import { describePostgresControllerContract } from './postgres-controller-contract.js';

describePostgresControllerContract('simulated', async () => {
  const world = new SimulatedPostgresWorld();
  let port = 6000;
  return {
    async create(memberName) {
      const controller = world.create(memberName, '127.0.0.1', ++port);
      const settings: PostgresSettings = {
        memberName,
        scope: 'contract',
        listenAddresses: ['127.0.0.1'],
        port,
        parameters: {},
        pgHba: [],
        superuser: { username: 'postgres', password: 'x' },
        replication: { username: 'replicator', password: 'y' },
      };
      await controller.configure(settings);
      return { controller, source: { name: memberName, host: '127.0.0.1', port }, settings };
    },
    async crash(memberName) {
      world.instances.get(memberName)?.crash();
    },
    close: async () => undefined,
  };
});
