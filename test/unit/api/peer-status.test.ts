import { describe, expect, it } from 'vitest';
import { nodeStatus } from '../../../agent/api/node-status.js';
import { peerStatusFrom } from '../../../agent/api/peer-client.js';
import { NOW, primaryState, replicaState } from '../../helpers/api-node-state.js';

const asPeer = (document: unknown) => peerStatusFrom('pg2', JSON.parse(JSON.stringify(document)) as Record<string, unknown>);

describe("a peer's status, as the leader race reads it", () => {
  it("reads pgha's own documents", () => {
    expect(asPeer(nodeStatus(primaryState(), NOW))).toEqual({ name: 'pg2', reachable: true, isPrimary: true, watchdogFailed: false, walPosition: 50_000_000, timeline: 1, nofailover: false, failoverPriority: 1 });
    const replica = replicaState({ postgres: { ...replicaState().postgres, receivedLsn: 50_000_100 }, tags: { failover_priority: 3 } });
    expect(asPeer(nodeStatus(replica, NOW))).toEqual({ name: 'pg2', reachable: true, isPrimary: false, watchdogFailed: false, walPosition: 50_000_100, timeline: 1, nofailover: false, failoverPriority: 3 });
  });

  it('reads Patroni 3 documents: role master, or only a non-zero location', () => {
    expect(asPeer({ role: 'master', xlog: { location: 0 } })).toMatchObject({ isPrimary: true, watchdogFailed: false, walPosition: 0 });
    expect(asPeer({ role: 'demoted', xlog: { location: 7 } })).toMatchObject({ isPrimary: true, watchdogFailed: false, walPosition: 7 });
  });

  it('counts no answer, and an answer without xlog, as unreachable', () => {
    expect(peerStatusFrom('pg2', undefined)).toEqual({ name: 'pg2', reachable: false, isPrimary: false, watchdogFailed: false, walPosition: 0, nofailover: false, failoverPriority: 1 });
    expect(asPeer({ role: 'replica', state: 'stopped' })).toMatchObject({ reachable: false });
  });

  it('reads nofailover and failover_priority as Patroni 4 does', () => {
    const tags = (t: Record<string, unknown>) => asPeer({ role: 'replica', xlog: {}, tags: t });
    expect(tags({ nofailover: true })).toMatchObject({ nofailover: true, failoverPriority: 1 });
    expect(tags({ failover_priority: 0 })).toMatchObject({ nofailover: true, failoverPriority: 0 });
    expect(tags({ nofailover: false, failover_priority: 0 })).toMatchObject({ nofailover: false, failoverPriority: 0 });
    expect(tags({ failover_priority: '5' })).toMatchObject({ nofailover: false, failoverPriority: 5 });
    expect(tags({ failover_priority: 'high' })).toMatchObject({ failoverPriority: 1 });
  });

  it('survives values of the wrong type', () => {
    expect(asPeer({ role: 7, xlog: { received_location: 'far', replayed_location: 12 }, tags: ['x'], timeline: '3' })).toEqual({
      name: 'pg2',
      reachable: true,
      isPrimary: false,
      watchdogFailed: false,
      walPosition: 12,
      nofailover: false,
      failoverPriority: 1,
    });
  });
});
