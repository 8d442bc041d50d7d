import { describe, expect, it } from 'vitest';
import type { PostgresRollingRestartResource } from '../../../cli/resources/desired-resource.js';
import { postgresRollingRestartHandler, takeUpMs, type ObservedPostgresRestart } from '../../../cli/resources/postgres-rolling-restart.js';

const resource = (parameters: Record<string, unknown>, loopWait = 10): PostgresRollingRestartResource =>
  ({ id: 'cluster/postgres_rolling_restart/postgresql', host: 'cluster', kind: 'postgres_rolling_restart', stage: 'dcs', after: [], config: { loop_wait: loopWait, postgresql: { parameters } } }) as unknown as PostgresRollingRestartResource;

const present = (parameters: Record<string, unknown>, pending: Record<string, Record<string, { old_value: string; new_value: string }>> = {}, paused = false): ObservedPostgresRestart => ({
  state: 'present',
  paused,
  parameters,
  pending,
});

describe('the planned rolling restart of PostgreSQL', () => {
  it('plans one restart with one switchover when a setting read only at start changes, and none for a reload-only one', () => {
    const change = postgresRollingRestartHandler.diff(resource({ max_connections: 200, work_mem: '8MB' }), present({ max_connections: 100 }));
    expect(change?.name).toBe('(max_connections)');
    expect(change?.details).toEqual([
      'restart PostgreSQL for: max_connections 100 → 200, once every member reports it waiting for a restart',
      'on every member, one at a time once the cluster is healthy: the replicas first, each until it streams again, then a switchover from the leader to the replica with the least lag (which restarts the old leader as a replica)',
      'expected write interruption: one switchover (about a second; "npm run bench:agent" measures it)',
    ]);
    expect(postgresRollingRestartHandler.diff(resource({ max_connections: 100, work_mem: '8MB' }), present({ max_connections: 100 }))).toBeUndefined();
  });

  it('restarts the leader first, where it runs, when max_connections goes down', () => {
    const change = postgresRollingRestartHandler.diff(resource({ max_connections: 50 }), present({ max_connections: 100 }));
    expect(change?.details.slice(1)).toEqual([
      'max_connections 100 → 50 lowers a setting a hot standby must hold at least as high as its primary: the leader restarts first, where it runs, then the replicas one at a time',
      "expected write interruption: one restart of the leader's PostgreSQL",
    ]);
    const toDefault = postgresRollingRestartHandler.diff(resource({}), present({ max_connections: 150 }));
    expect(toDefault?.details[0]).toBe('restart PostgreSQL for: max_connections 150 → (default), once every member reports it waiting for a restart');
    expect(toDefault?.details[1]).toMatch(/^max_connections 150 → 100 lowers a setting/);
  });

  it('plans a restart for settings that already wait for one, and says when apply will refuse it in a paused cluster', () => {
    const change = postgresRollingRestartHandler.diff(resource({ max_connections: 100 }), present({ max_connections: 100 }, { c2: { shared_buffers: { old_value: '128MB', new_value: '256MB' } } }, true));
    expect(change?.name).toBe('(shared_buffers)');
    expect(change?.details[0]).toBe('c2 has shared_buffers waiting for a restart');
    expect(change?.details.at(-1)).toBe('the cluster is paused (maintenance mode): apply refuses to restart PostgreSQL unless run with --allow-paused-restart');
  });

  it('plans nothing for a new cluster, which starts with the spec, or without etcd, and gives the agents a few HA cycles to take a setting', () => {
    expect(postgresRollingRestartHandler.diff(resource({ max_connections: 200 }), { state: 'absent' })).toBeUndefined();
    expect(postgresRollingRestartHandler.diff(resource({ max_connections: 200 }), { state: 'unreachable' })).toBeUndefined();
    expect(takeUpMs(resource({}, 2))).toBe(16_000);
  });
});
