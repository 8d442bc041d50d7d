import { describe, expect, it } from 'vitest';
import { timingRuleHolds, watchdogTimeout } from '../../../agent/contract/timing.js';

describe('timing rule', () => {
  it('holds for the defaults of pgha and Patroni, and fails one second over', () => {
    expect(timingRuleHolds({ ttl: 10, loop_wait: 2, retry_timeout: 4 })).toBe(true);
    expect(timingRuleHolds({ ttl: 30, loop_wait: 10, retry_timeout: 10 })).toBe(true);
    expect(timingRuleHolds({ ttl: 10, loop_wait: 3, retry_timeout: 4 })).toBe(false);
  });

  it('gives the watchdog ttl - safety_margin, or half the ttl for -1', () => {
    expect(watchdogTimeout(10, 5)).toBe(5);
    expect(watchdogTimeout(25, -1)).toBe(12);
  });
});
