import { describe, expect, it } from 'vitest';
import type { PeerDocument } from '../../../agent/api/peer-client.js';
import { switchoverPrecheck } from '../../../agent/api/switchover-precheck.js';
import type { SwitchoverRequest } from '../../../agent/api/switchover-request.js';
import type { ClusterState } from '../../../agent/dcs/dcs.js';
import { clusterWithConfig } from '../../helpers/api-node-state.js';

const REPLICA_DOC: PeerDocument = { role: 'replica', xlog: { received_location: 1, replayed_location: 1 } };

/** Peers by API port: pg2 answers on 8433, pg3 on 8434 (see memberRecord). */
function peers(answers: Record<string, PeerDocument | undefined>) {
  const asked: string[] = [];
  const fetch = async (apiUrl: string) => {
    asked.push(apiUrl);
    const name = { 'http://127.0.0.1:8433/patroni': 'pg2', 'http://127.0.0.1:8434/patroni': 'pg3' }[apiUrl];
    return name ? answers[name] : undefined;
  };
  return { fetch, asked };
}

const healthy: Record<string, PeerDocument | undefined> = { pg2: REPLICA_DOC, pg3: REPLICA_DOC };

async function precheck(request: Partial<SwitchoverRequest>, cluster: ClusterState = clusterWithConfig(), answers = healthy) {
  return switchoverPrecheck(cluster, { action: 'switchover', ...request }, peers(answers).fetch);
}

describe('the switchover pre-check', () => {
  it('passes when a candidate answers and may be promoted', async () => {
    expect(await precheck({ leader: 'pg1' })).toBeUndefined();
    expect(await precheck({ leader: 'pg1', candidate: 'pg3' })).toBeUndefined();
    expect(await precheck({ action: 'failover', candidate: 'pg2' }, clusterWithConfig(undefined, { leader: undefined }))).toBeUndefined();
  });

  it('asks only the members that could take over', async () => {
    const { fetch, asked } = peers(healthy);
    await switchoverPrecheck(clusterWithConfig(), { action: 'switchover', leader: 'pg1' }, fetch);
    expect(asked.sort()).toEqual(['http://127.0.0.1:8433/patroni', 'http://127.0.0.1:8434/patroni']);
  });

  it.each<[string, Partial<SwitchoverRequest>, Record<string, PeerDocument | undefined>, string]>([
    ['the named leader does not lead', { leader: 'pg2' }, healthy, 'leader name does not match'],
    ['the candidate is no member', { leader: 'pg1', candidate: 'pg9' }, healthy, 'candidate does not exists'],
    ['no candidate answers', { leader: 'pg1' }, {}, 'switchover is not possible: no good candidates have been found'],
    ['the candidate answers without xlog', { leader: 'pg1', candidate: 'pg2' }, { pg2: { role: 'replica' } }, 'switchover is not possible: no good candidates have been found'],
    ['the candidate may not be promoted', { action: 'failover', candidate: 'pg2' }, { pg2: { ...REPLICA_DOC, tags: { nofailover: true } } }, 'failover is not possible: no good candidates have been found'],
    ['the candidate has failover_priority 0', { leader: 'pg1', candidate: 'pg2' }, { pg2: { ...REPLICA_DOC, tags: { failover_priority: 0 } } }, 'switchover is not possible: no good candidates have been found'],
    ['the candidate has no watchdog', { leader: 'pg1', candidate: 'pg2' }, { pg2: { ...REPLICA_DOC, watchdog_failed: true } }, 'switchover is not possible: no good candidates have been found'],
  ])('refuses when %s', async (_what, request, answers, message) => {
    expect(await precheck(request, clusterWithConfig(), answers)).toBe(message);
  });

  it('refuses a switchover in a cluster of one', async () => {
    const alone = clusterWithConfig(undefined, { members: clusterWithConfig().members.slice(0, 1) });
    expect(await precheck({ leader: 'pg1' }, alone)).toBe('switchover is not possible: cluster does not have members except leader');
  });

  describe('in synchronous mode', () => {
    const sync = (standby: string | null) => clusterWithConfig({ synchronous_mode: true }, { sync: { value: { leader: 'pg1', sync_standby: standby }, modRevision: 2 } });

    it('lets only the synchronous standby take over a switchover', async () => {
      expect(await precheck({ leader: 'pg1', candidate: 'pg3' }, sync('pg2'))).toBe('candidate name does not match with sync_standby');
      expect(await precheck({ leader: 'pg1', candidate: 'pg2' }, sync('pg2'))).toBeUndefined();
      expect(await precheck({ leader: 'pg1' }, sync('pg2'))).toBeUndefined();
      expect(await precheck({ leader: 'pg1' }, sync(null))).toBe('switchover is not possible: can not find sync_standby');
    });

    it('lets a failover go to any candidate, and quorum mode to anyone', async () => {
      expect(await precheck({ action: 'failover', candidate: 'pg3' }, sync('pg2'))).toBeUndefined();
      const quorum = clusterWithConfig({ synchronous_mode: 'quorum' }, { sync: { value: { leader: 'pg1', sync_standby: 'pg2', quorum: 1 }, modRevision: 2 } });
      expect(await precheck({ leader: 'pg1', candidate: 'pg3' }, quorum)).toBeUndefined();
    });
  });
});
