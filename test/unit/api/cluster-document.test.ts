import { describe, expect, it } from 'vitest';
import { clusterDocument } from '../../../agent/api/cluster-document.js';
import type { MemberEntry } from '../../../agent/dcs/dcs.js';
import { clusterWithConfig } from '../../helpers/api-node-state.js';
import { memberRecord } from '../../helpers/ha-snapshot.js';

const replica = (name: string, port: number, extra: Record<string, unknown>): MemberEntry => ({
  name,
  record: { ...memberRecord(name, port), ...extra },
  lease: name,
});

describe('the /cluster document', () => {
  const members: MemberEntry[] = [
    replica('pg3', 5434, { xlog_location: 49_000_000, replication_state: 'streaming', timeline: 1 }),
    { name: 'pg1', record: { ...memberRecord('pg1', 5432, 'primary'), xlog_location: 50_331_744, timeline: 1, tags: { mytag: 'abc' } }, lease: 'pg1' },
    replica('pg2', 5433, { xlog_location: 50_331_744, receive_lsn: 50_331_744, replay_lsn: 50_331_000, replication_state: 'streaming', pending_restart: true }),
  ];

  it('lists the members sorted by name, with Patroni 4.1 LSN and lag fields for all but the leader', () => {
    const cluster = clusterWithConfig(undefined, { members, status: { optime: 50_331_744 } });
    expect(clusterDocument(cluster, 'lab')).toEqual({
      members: [
        { name: 'pg1', role: 'leader', state: 'running', api_url: 'http://127.0.0.1:8432/patroni', host: '127.0.0.1', port: 5432, timeline: 1, tags: { mytag: 'abc' } },
        {
          name: 'pg2',
          role: 'replica',
          state: 'streaming',
          api_url: 'http://127.0.0.1:8433/patroni',
          host: '127.0.0.1',
          port: 5433,
          pending_restart: true,
          lsn: '0/3000060',
          lag: 0,
          receive_lsn: '0/3000060',
          receive_lag: 0,
          replay_lsn: '0/2FFFD78',
          replay_lag: 744,
        },
        {
          name: 'pg3',
          role: 'replica',
          state: 'streaming',
          api_url: 'http://127.0.0.1:8434/patroni',
          host: '127.0.0.1',
          port: 5434,
          timeline: 1,
          lsn: '0/2EBAE40',
          lag: 1_331_744,
          receive_lag: 'unknown',
          replay_lag: 'unknown',
        },
      ],
      scope: 'lab',
    });
  });

  it('shows a replica ahead of the last known position with lag 0, and one without positions as unknown', () => {
    const cluster = clusterWithConfig(undefined, { members: [replica('pg2', 5433, { xlog_location: 60_000_000 }), replica('pg3', 5434, {})], status: undefined });
    const [ahead, silent] = clusterDocument(cluster, 'lab').members;
    expect(ahead).toMatchObject({ lag: 0, lsn: '0/3938700' });
    expect(silent).toMatchObject({ state: 'running', lag: 'unknown', receive_lag: 'unknown', replay_lag: 'unknown' });
    expect(silent).not.toHaveProperty('lsn');
  });

  it('names synchronous and quorum standbys, and the leader of a standby cluster', () => {
    const sync = { value: { leader: 'pg1', sync_standby: 'pg2' }, modRevision: 3 };
    const roles = (config: Record<string, unknown>) => clusterDocument(clusterWithConfig(config, { sync }), 'lab').members.map((m) => m.role);
    expect(roles({ synchronous_mode: true })).toEqual(['leader', 'sync_standby', 'replica']);
    expect(roles({ synchronous_mode: 'quorum' })).toEqual(['leader', 'quorum_standby', 'replica']);
    expect(roles({ synchronous_mode: false })).toEqual(['leader', 'replica', 'replica']);
    expect(roles({ standby_cluster: { host: '10.0.0.9', port: 5432 } })).toEqual(['standby_leader', 'replica', 'replica']);
  });

  it('shows pause and a scheduled switchover', () => {
    const failover = { value: { leader: 'pg1', member: 'pg2', scheduled_at: '2026-11-23T10:00:00+00:00' }, modRevision: 4 };
    expect(clusterDocument(clusterWithConfig({ pause: true }, { failover }), 'lab')).toMatchObject({
      pause: true,
      scheduled_switchover: { at: '2026-11-23T10:00:00+00:00', from: 'pg1', to: 'pg2' },
    });
    const immediate = { value: { leader: 'pg1' }, modRevision: 4 };
    expect(clusterDocument(clusterWithConfig({ pause: 'off' }, { failover: immediate }), 'lab')).not.toHaveProperty('scheduled_switchover');
  });

  it('survives a member record another tool wrote badly', () => {
    const odd: MemberEntry = { name: 'odd', record: { conn_url: 'not a url', api_url: '', state: '', role: '', version: '' }, lease: '9' };
    expect(clusterDocument(clusterWithConfig(undefined, { members: [odd] }), 'lab').members).toEqual([
      { name: 'odd', role: 'replica', state: '', api_url: '', lag: 'unknown', receive_lag: 'unknown', replay_lag: 'unknown' },
    ]);
  });
});
