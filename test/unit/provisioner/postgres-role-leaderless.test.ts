// A role of `postgres.users` read while no leader runs: on a cluster not built yet it is planned
// for the leader to come; on a built cluster without a leader right now (paused, or failing over)
// it is not read, and the plan says so instead of proposing to create a role that exists.
import { describe, expect, it } from 'vitest';
import type { PostgresRoleResource } from '../../../cli/resources/desired-resource.js';
import { postgresRoleHandler } from '../../../cli/resources/postgres-role.js';
import type { ReadContext } from '../../../cli/resources/resource-handler.js';
import { labDesired, labSpec } from './lab-desired.js';

const role = labDesired(labSpec()).resources.find((r): r is PostgresRoleResource => r.kind === 'postgres_role')!;

const withoutLeader = (config: unknown): ReadContext =>
  ({ cluster: { sql: () => Promise.resolve(undefined), dcsConfig: () => Promise.resolve(config) } }) as unknown as ReadContext;

describe('a role read without a leader', () => {
  it('is planned on the leader to come when the cluster does not exist yet', async () => {
    for (const config of ['unreachable', null]) {
      const observed = await postgresRoleHandler.read(role, withoutLeader(config));
      expect(postgresRoleHandler.diff(role, observed)).toMatchObject({ action: 'create', details: expect.arrayContaining(['on the leader, once the cluster has one']) });
      expect(postgresRoleHandler.notice!(role, observed)).toBeUndefined();
    }
  });

  it('is not read, and not planned, when the cluster exists but no leader runs now', async () => {
    const observed = await postgresRoleHandler.read(role, withoutLeader({ value: { ttl: 10 }, revision: '3' }));
    expect(postgresRoleHandler.diff(role, observed)).toBeUndefined();
    expect(postgresRoleHandler.notice!(role, observed)).toBe(
      'role app was not read: no leader runs right now (a paused cluster, or a failover under way); plan again once one leads',
    );
  });
});
