// Failsafe mode as pure decisions: what the leader keeps in the failsafe key, whom a primary cut
// off from etcd must hear from, what it decides on their answers, and who may race.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../agent/ha/decide.js';
import { failsafeTopology, membersToConfirm, roundOutcome, sameTopology, withConfirmedLeader } from '../../../agent/ha/failsafe.js';
import { cluster, leaderSnapshot, memberRecord, peer, SETTINGS, snapshot } from '../../helpers/ha-snapshot.js';

const FAILSAFE = { ...SETTINGS, failsafeMode: true };
const TOPOLOGY = { pg1: 'http://127.0.0.1:8432/patroni', pg2: 'http://127.0.0.1:8433/patroni', pg3: 'http://127.0.0.1:8434/patroni' };

describe('the failsafe key', () => {
  it("lists every member's api_url, the leader's own included when its member key is missing", () => {
    const view = cluster();
    expect(failsafeTopology(view, 'pg1', 'http://x/patroni')).toEqual(TOPOLOGY);
    const withoutLeader = cluster({ members: view.members.filter((m) => m.name !== 'pg1') });
    expect(failsafeTopology(withoutLeader, 'pg1', 'http://x/patroni')).toEqual({ ...TOPOLOGY, pg1: 'http://x/patroni' });
  });

  it('is rewritten only when it says something else, whatever the order of its entries', () => {
    expect(sameTopology({ pg3: TOPOLOGY.pg3, pg1: TOPOLOGY.pg1, pg2: TOPOLOGY.pg2 }, TOPOLOGY)).toBe(true);
    expect(sameTopology(undefined, TOPOLOGY)).toBe(false);
    expect(sameTopology({ pg1: TOPOLOGY.pg1, pg2: TOPOLOGY.pg2 }, TOPOLOGY)).toBe(false);
    expect(sameTopology({ ...TOPOLOGY, pg2: 'https://127.0.0.1:8433/patroni' }, TOPOLOGY)).toBe(false);
  });

  it('names the members a primary must hear from, or why it cannot stay primary', () => {
    expect(membersToConfirm(TOPOLOGY, 'pg1')).toEqual([
      { name: 'pg2', apiUrl: TOPOLOGY.pg2 },
      { name: 'pg3', apiUrl: TOPOLOGY.pg3 },
    ]);
    expect(membersToConfirm({ pg1: TOPOLOGY.pg1 }, 'pg1')).toEqual([]);
    expect(membersToConfirm(undefined, 'pg1')).toBe('the failsafe key was empty when etcd last answered');
    expect(membersToConfirm({ pg2: TOPOLOGY.pg2 }, 'pg1')).toBe('the failsafe key does not list me');
  });

  it('confirms only when every member accepted, and a cluster of one on its own', () => {
    expect(roundOutcome([])).toEqual({ confirmed: true, reason: 'I am the only member' });
    expect(roundOutcome([{ name: 'pg2', accepted: true }, { name: 'pg3', accepted: true }])).toEqual({ confirmed: true, reason: 'pg2 and pg3 confirmed me' });
    expect(roundOutcome([{ name: 'pg2', accepted: true }, { name: 'pg3', accepted: false, refusal: 'no answer' }])).toEqual({
      confirmed: false,
      reason: 'pg3 did not confirm me (no answer)',
    });
  });
});

describe('a member that confirmed a primary', () => {
  const confirmed = { until: 105_000, leader: { name: 'pg1', conn_url: 'postgres://127.0.0.1:5432/postgres', api_url: TOPOLOGY.pg1 } };

  it('counts it as the leader while no one holds the key, for ttl after it confirmed', () => {
    const unlocked = cluster({ leader: undefined });
    expect(withConfirmedLeader(unlocked, confirmed, 100_000)?.leader?.name).toBe('pg1');
    expect(withConfirmedLeader(unlocked, confirmed, 105_000)?.leader).toBeUndefined();
    expect(withConfirmedLeader(cluster(), { ...confirmed, leader: { ...confirmed.leader, name: 'pg3' } }, 100_000)?.leader?.name).toBe('pg1');
    expect(withConfirmedLeader(undefined, confirmed, 100_000)).toBeUndefined();
  });

  it('therefore does not race for the free key', () => {
    const view = withConfirmedLeader(cluster({ leader: undefined }), confirmed, 100_000);
    expect(decide(snapshot({ settings: FAILSAFE, cluster: view }))).toMatchObject({ rule: 'follow-leader', action: { kind: 'none' } });
  });
});

describe('decide: failsafe mode', () => {
  const cutOff = { settings: FAILSAFE, cluster: undefined, leadership: { validUntil: 104_000, renewedThisCycle: false } };

  it('has a primary cut off from etcd ask the members, and stay primary only if all confirm it', () => {
    expect(decide(leaderSnapshot(cutOff))).toEqual({
      rule: 'failsafe-primary',
      action: { kind: 'confirm-failsafe' },
      reason: 'etcd is unreachable: asking every member to confirm me as the primary (failsafe mode)',
    });
    expect(decide(leaderSnapshot({ ...cutOff, failsafe: { confirmed: true, reason: 'pg2 and pg3 confirmed me' } }))).toEqual({
      rule: 'failsafe-primary',
      action: { kind: 'none' },
      reason: 'etcd is unreachable; I stay the primary in failsafe mode: pg2 and pg3 confirmed me',
    });
    expect(decide(leaderSnapshot({ ...cutOff, failsafe: { confirmed: false, reason: 'pg3 did not confirm me (no answer)' } }))).toEqual({
      rule: 'failsafe-primary',
      action: { kind: 'demote', mode: 'offline' },
      reason: 'demoting: etcd is unreachable and failsafe mode cannot keep me primary: pg3 did not confirm me (no answer)',
    });
  });

  it('leaves the rest to the usual rules: a lease belief run out, a paused cluster, a member that does not lead, failsafe mode off', () => {
    expect(decide(leaderSnapshot({ ...cutOff, leadership: { validUntil: 100_000, renewedThisCycle: false } }))).toMatchObject({ rule: 'stale-primary' });
    expect(decide(leaderSnapshot({ ...cutOff, settings: { ...FAILSAFE, pause: true } }))).toMatchObject({ rule: 'etcd-unreachable', action: { kind: 'none' } });
    expect(decide(leaderSnapshot({ ...cutOff, leadership: undefined }))).toMatchObject({ rule: 'etcd-unreachable', action: { kind: 'demote', mode: 'offline' } });
    expect(decide(leaderSnapshot({ ...cutOff, settings: SETTINGS }))).toMatchObject({ rule: 'etcd-unreachable', action: { kind: 'demote', mode: 'offline' } });
    expect(decide(snapshot({ ...cutOff, leadership: undefined }))).toMatchObject({ rule: 'etcd-unreachable', action: { kind: 'none' } });
  });

  it('lets only a member the failsafe key lists take a free leader key', () => {
    const free = { settings: FAILSAFE, peers: [peer('pg3', { walPosition: 1 })] };
    const listed = cluster({ leader: undefined, failsafe: TOPOLOGY });
    expect(decide(snapshot({ ...free, cluster: listed }))).toMatchObject({ action: { kind: 'acquire-leader' } });
    const unlisted = cluster({ leader: undefined, failsafe: { pg1: TOPOLOGY.pg1, pg3: TOPOLOGY.pg3 } });
    expect(decide(snapshot({ ...free, cluster: unlisted }))).toEqual({
      rule: 'leader-race',
      action: { kind: 'none' },
      reason: 'no leader, and I do not race: failsafe mode: the failsafe key does not list me, so I may not lead',
    });
    expect(decide(snapshot({ ...free, settings: SETTINGS, cluster: unlisted }))).toMatchObject({ action: { kind: 'acquire-leader' } });
    const member = { name: 'pg4', record: memberRecord('pg4', 5435), lease: '1' };
    expect(decide(snapshot({ ...free, cluster: cluster({ leader: undefined, failsafe: {}, members: [...listed.members, member] }) }))).toMatchObject({ action: { kind: 'acquire-leader' } });
  });
});
