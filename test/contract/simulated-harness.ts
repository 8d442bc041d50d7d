// The PostgresController contract's harness on the simulated PostgreSQL, each controller passed through `wrap` (the callbacks' decorator, or nothing).
import { SimulatedPostgresWorld } from '../../agent/postgres/simulated-postgres.js';
import type { PostgresController, PostgresSettings } from '../../agent/postgres/postgres-controller.js';
import type { PostgresControllerHarness } from './postgres-controller-contract.js';

/** Simulated members on ports from `firstPort` up, each controller passed through `wrap`. */
export function simulatedHarness(wrap: (controller: PostgresController) => PostgresController, firstPort: number): () => Promise<PostgresControllerHarness> {
  return async () => {
    const world = new SimulatedPostgresWorld();
    let port = firstPort;
    return {
      async create(memberName) {
        const controller = wrap(world.create(memberName, '127.0.0.1', ++port));
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
  };
}
