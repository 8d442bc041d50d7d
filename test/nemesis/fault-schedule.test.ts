// The nemesis schedule is a pure function of its seed, so that a failing run can be replayed.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, makeSchedule } from './fault-schedule.js';
import { nemesisConfig } from './nemesis-config.js';

const options = { seed: 42, count: 200, kinds: FAULT_KINDS, members: ['pg1', 'pg2', 'pg3'], ttlMs: 6000 };

describe('the nemesis schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(makeSchedule(options)).toEqual(makeSchedule(options));
    expect(makeSchedule({ ...options, seed: 43 })).not.toEqual(makeSchedule(options));
  });

  it('draws every kind, holds a lasting fault longer than the ttl, and strikes the new primary after a switchover', () => {
    const schedule = makeSchedule(options);
    const kinds = new Set(schedule.map((step) => (step.switchover ? 'switchover-then' : step.fault.kind)));
    expect([...kinds].sort()).toEqual([...FAULT_KINDS].sort());
    for (const { fault, switchover } of schedule) {
      if (fault.kind !== 'crash-postgres' && fault.kind !== 'switchover') expect(fault.holdMs).toBeGreaterThan(options.ttlMs);
      if (switchover) expect([switchover.target, fault.target]).toEqual(['replica', 'primary']);
    }
  });

  it('keeps to the kinds asked for', () => {
    const schedule = makeSchedule({ ...options, kinds: ['cut-etcd', 'switchover-then'] });
    expect(new Set(schedule.map((step) => step.fault.kind)).has('switchover')).toBe(false);
    expect(schedule.every((step) => step.fault.kind === 'cut-etcd' || step.switchover)).toBe(true);
  });

  it('reads its configuration from the environment and refuses an unknown kind', () => {
    const config = nemesisConfig({ PGHA_NEMESIS_FAULTS: '3', PGHA_NEMESIS_SEED: '7', PGHA_NEMESIS_KINDS: 'kill-node, cut-etcd', PGHA_NEMESIS_SYNC: 'quorum' });
    expect(config).toMatchObject({ faults: 3, seed: 7, kinds: ['kill-node', 'cut-etcd'], sync: 'quorum', watchdog: 'off' });
    expect(() => nemesisConfig({ PGHA_NEMESIS_KINDS: 'kill-everything' })).toThrow(/PGHA_NEMESIS_KINDS=kill-everything: expected one of/);
  });
});
