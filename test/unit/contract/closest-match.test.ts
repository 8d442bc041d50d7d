import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../../agent/contract/document/closest-match.js';

const KEYS = ['ttl', 'loop_wait', 'retry_timeout', 'maximum_lag_on_failover', 'postgresql'];

describe('closestMatch', () => {
  it.each([
    ['tll', 'ttl'],
    ['TTL', 'ttl'],
    ['loopwait', 'loop_wait'],
    ['retry_timout', 'retry_timeout'],
    ['maximum_lag_on_failvoer', 'maximum_lag_on_failover'],
    ['postgres', 'postgresql'],
  ])('suggests %s → %s', (word, expected) => expect(closestMatch(word, KEYS)).toBe(expected));

  it.each(['hosts', 'frontend_mode', 'x'])('suggests nothing for %s', (word) => expect(closestMatch(word, KEYS)).toBeUndefined());
});
