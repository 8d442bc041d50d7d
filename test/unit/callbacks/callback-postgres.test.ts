// Which callback fires after what the controller does, on the simulated PostgreSQL: the events of
// a bootstrap, a clone, a reload, a restart, a demotion and a promotion, with the role of the moment.
import { describe, expect, it } from 'vitest';
import type { CallbackExecutor } from '../../../agent/callbacks/callback-executor.js';
import { CallbackPostgres } from '../../../agent/callbacks/callback-postgres.js';
import type { PostgresSettings } from '../../../agent/postgres/postgres-controller.js';
import { SimulatedPostgresWorld } from '../../../agent/postgres/simulated-postgres.js';

const settings = (memberName: string, port: number, parameters: Record<string, string> = {}): PostgresSettings => ({
  memberName,
  scope: 'lab',
  listenAddresses: ['127.0.0.1'],
  port,
  parameters,
  pgHba: [],
  superuser: { username: 'postgres', password: 'x' },
  replication: { username: 'replicator', password: 'y' },
});

function member(world: SimulatedPostgresWorld, name: string, port: number) {
  const calls: string[] = [];
  const recorder = { call: (action: string, role: string) => calls.push(`${action} ${role}`), settle: async () => undefined } as unknown as CallbackExecutor;
  return { postgres: new CallbackPostgres(world.create(name, '127.0.0.1', port), recorder), calls, source: { name, host: '127.0.0.1', port } };
}

describe('CallbackPostgres', () => {
  it('fires on_start after a bootstrap and a clone, on_reload, on_restart, and on_stop, each with the role PostgreSQL runs in', async () => {
    const world = new SimulatedPostgresWorld();
    const pg1 = member(world, 'pg1', 6001);
    const pg2 = member(world, 'pg2', 6002);
    await pg1.postgres.configure(settings('pg1', 6001));
    expect(pg1.calls).toEqual([]);
    await pg1.postgres.bootstrap({ initdb: [] });
    await pg1.postgres.configure(settings('pg1', 6001, { work_mem: '8MB' }));
    await pg1.postgres.configure(settings('pg1', 6001, { work_mem: '8MB' }));
    await pg1.postgres.restart();
    expect(pg1.calls).toEqual(['on_start primary', 'on_reload primary', 'on_restart primary']);
    await pg2.postgres.configure(settings('pg2', 6002));
    await pg2.postgres.cloneFrom(pg1.source);
    await pg2.postgres.startReplica(pg1.source);
    await pg2.postgres.follow(pg1.source);
    await pg2.postgres.stop('fast');
    expect(pg2.calls).toEqual(['on_start replica', 'on_stop replica']);
  });

  it('fires on_role_change after a promotion and after a former primary starts as a replica, not on_start', async () => {
    const world = new SimulatedPostgresWorld();
    const pg1 = member(world, 'pg1', 6011);
    const pg2 = member(world, 'pg2', 6012);
    await pg1.postgres.configure(settings('pg1', 6011));
    await pg1.postgres.bootstrap({ initdb: [] });
    await pg2.postgres.configure(settings('pg2', 6012));
    await pg2.postgres.cloneFrom(pg1.source);
    await pg2.postgres.startReplica(pg1.source);
    await pg1.postgres.stop('fast', { checkpointFirst: true });
    await pg2.postgres.promote();
    await pg1.postgres.startReplica(pg2.source);
    expect(pg1.calls).toEqual(['on_start primary', 'on_stop primary', 'on_role_change replica']);
    expect(pg2.calls).toEqual(['on_start replica', 'on_role_change primary']);
  });

  it('learns the role of a PostgreSQL it finds running, so its first demotion is a role change', async () => {
    const world = new SimulatedPostgresWorld();
    const first = member(world, 'pg1', 6021);
    await first.postgres.configure(settings('pg1', 6021));
    await first.postgres.bootstrap({ initdb: [] });
    const calls: string[] = [];
    const restartedAgent = new CallbackPostgres(world.instances.get('pg1')!, { call: (a: string, r: string) => calls.push(`${a} ${r}`), settle: async () => undefined } as unknown as CallbackExecutor);
    await restartedAgent.observe();
    await restartedAgent.stop('fast');
    await restartedAgent.startReplica(null);
    expect(calls).toEqual(['on_stop primary', 'on_role_change replica']);
  });
});
