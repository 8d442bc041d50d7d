import { describe, expect, it } from 'vitest';
import { loweredMinimums, restartSteps, type RestartCandidate } from '../../../cli/restart/restart-order.js';

const raised = { max_connections: { old_value: '100', new_value: '200' } };
const lowered = { max_connections: { old_value: '200', new_value: '100' } };
const members = (pending: RestartCandidate['pending']): RestartCandidate[] => [
  { name: 'c3', leads: false, pending },
  { name: 'c2', leads: true, pending },
  { name: 'c1', leads: false, pending },
];

describe('restartSteps: the order of a rolling restart of PostgreSQL', () => {
  it('restarts the replicas first, then the leader hands over (its demotion restarts it)', () => {
    expect(restartSteps(members(raised), { leaderInPlace: false, canHandOver: true })).toEqual([
      { kind: 'restart', member: 'c1', leader: false },
      { kind: 'restart', member: 'c3', leader: false },
      { kind: 'switchover', from: 'c2' },
      { kind: 'restart-after-switchover', member: 'c2' },
    ]);
  });

  it('restarts the leader first, where it runs, when a setting a hot standby must hold as high as its primary goes down', () => {
    expect(restartSteps(members(lowered), { leaderInPlace: false, canHandOver: true })).toEqual([
      { kind: 'restart', member: 'c2', leader: true },
      { kind: 'restart', member: 'c1', leader: false },
      { kind: 'restart', member: 'c3', leader: false },
    ]);
  });

  it('restarts the leader last, where it runs, when told to or when no replica could take over', () => {
    const inPlace = [{ kind: 'restart', member: 'c1', leader: false }, { kind: 'restart', member: 'c3', leader: false }, { kind: 'restart', member: 'c2', leader: true }];
    expect(restartSteps(members({}), { leaderInPlace: true, canHandOver: true })).toEqual(inPlace);
    expect(restartSteps(members({}), { leaderInPlace: false, canHandOver: false })).toEqual(inPlace);
  });

  it('restarts replicas only when the leader is not among the members', () => {
    expect(restartSteps([{ name: 'c3', leads: false, pending: {} }], { leaderInPlace: false, canHandOver: true })).toEqual([{ kind: 'restart', member: 'c3', leader: false }]);
    expect(restartSteps([], { leaderInPlace: false, canHandOver: true })).toEqual([]);
  });
});

describe('loweredMinimums', () => {
  it('names the hot-standby settings that go down, by number, and nothing else', () => {
    expect(loweredMinimums({ ...lowered, max_wal_senders: { old_value: '10', new_value: '5' }, shared_buffers: { old_value: '256MB', new_value: '128MB' } })).toEqual(['max_connections 200 → 100', 'max_wal_senders 10 → 5']);
    expect(loweredMinimums({ ...raised, max_worker_processes: { old_value: '8', new_value: '8' } })).toEqual([]);
  });
});
