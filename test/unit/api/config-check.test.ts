import { describe, expect, it } from 'vitest';
import { dynamicConfigProblems } from '../../../agent/api/config-check.js';

describe('checking a new dynamic configuration', () => {
  it('accepts a configuration that follows the schema and the timing rule, unpaused', () => {
    expect(dynamicConfigProblems({ ttl: 30, loop_wait: 10, retry_timeout: 10, postgresql: { parameters: { max_connections: 100 } } })).toEqual([]);
    expect(dynamicConfigProblems({})).toEqual([]);
    expect(dynamicConfigProblems({ pause: false })).toEqual([]);
  });

  it('accepts a pause, and refuses every setting not supported yet, after the schema problems', () => {
    expect(dynamicConfigProblems({ pause: true })).toEqual([]);
    expect(dynamicConfigProblems({ pause: true, max_timelines_history: 10, tll: 30 })).toEqual([
      'unknown key "tll" at the top level; did you mean "ttl"?',
      'max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0',
    ]);
  });

  it('names unknown keys, wrong types and broken formats', () => {
    expect(dynamicConfigProblems({ tll: 30 })).toEqual(['unknown key "tll" at the top level; did you mean "ttl"?']);
    expect(dynamicConfigProblems({ ttl: 'long', maximum_lag_on_failover: '1 megabyte' })).toEqual([
      'ttl must be an integer, got the string "long"',
      'maximum_lag_on_failover must be a size: bytes as an integer, or a number with a unit B, kB, MB, GB or TB (e.g. "1MB"), got the string "1 megabyte"',
    ]);
    expect(dynamicConfigProblems({ pause: 'maybe' })).toEqual(['pause must be true or false, got "maybe"']);
  });

  it('applies the timing rule to the configuration with its defaults', () => {
    expect(dynamicConfigProblems({ ttl: 10, loop_wait: 5 })).toEqual([
      'loop_wait (5) + 2 * retry_timeout (4) = 13 exceeds ttl (10): the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout',
    ]);
  });

  it('does not fill defaults into the value it checks', () => {
    const config = { ttl: 30 };
    dynamicConfigProblems(config);
    expect(config).toEqual({ ttl: 30 });
  });
});
