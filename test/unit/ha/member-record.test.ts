import { describe, expect, it } from 'vitest';
import { haSettings } from '../../../agent/ha/ha-settings.js';
import { memberRecord, postgresStateName, roleName } from '../../../agent/ha/member-record.js';
import { SIM_DCS } from '../../helpers/ha-simulation.js';
import { PRIMARY, REPLICA } from '../../helpers/ha-snapshot.js';

const ADDRESSES = { postgres: '10.0.0.2:5432', api: 'http://10.0.0.2:8008' };

describe('the member key', () => {
  it("publishes a replica in Patroni's format", () => {
    expect(memberRecord(REPLICA, undefined, { nofailover: true }, ADDRESSES)).toEqual({
      conn_url: 'postgres://10.0.0.2:5432/postgres',
      api_url: 'http://10.0.0.2:8008/patroni',
      state: 'running',
      role: 'replica',
      version: '4.1.4',
      xlog_location: 50_000_000,
      receive_lsn: 50_000_000,
      replay_lsn: 50_000_000,
      replication_state: 'streaming',
      timeline: 1,
      tags: { nofailover: true },
    });
  });

  it('publishes a primary with its flush position, and pending restarts', () => {
    const record = memberRecord({ ...PRIMARY, pendingRestart: { shared_buffers: { old_value: '128MB', new_value: '1GB' } } }, undefined, {}, ADDRESSES);
    expect(record).toMatchObject({ role: 'primary', xlog_location: 50_000_000, pending_restart: true });
    expect(record).not.toHaveProperty('tags');
  });

  it("names PostgreSQL's state after the task that runs", () => {
    const stopped = { ...REPLICA, process: 'stopped' as const };
    expect(postgresStateName(stopped, 'clone')).toBe('creating replica');
    expect(postgresStateName(stopped, 'bootstrap')).toBe('initializing new cluster');
    expect(postgresStateName(REPLICA, 'follow')).toBe('running');
    expect(roleName({ dataDirectory: 'empty', process: 'stopped' })).toBe('uninitialized');
  });
});

describe('HA settings', () => {
  it('read the live dynamic configuration leniently, and fall back to the bootstrap one', () => {
    const live = { ttl: 20, loop_wait: 1, maximum_lag_on_failover: '16MB', primary_start_timeout: '5min', postgresql: { use_pg_rewind: 'off' }, pause: 'yes' };
    expect(haSettings(live, SIM_DCS)).toMatchObject({
      ttlMs: 20_000,
      loopWaitMs: 1000,
      retryTimeoutMs: 4000,
      maximumLagOnFailover: 16 * 1024 * 1024,
      primaryStartTimeoutMs: 300_000,
      usePgRewind: false,
      pause: true,
    });
    expect(haSettings(undefined, SIM_DCS)).toMatchObject({ ttlMs: 10_000, loopWaitMs: 2000, maximumLagOnFailover: 1048576, usePgRewind: true, pause: false });
    expect(haSettings({ ttl: 'ten' }, SIM_DCS).ttlMs).toBe(10_000);
  });
});
