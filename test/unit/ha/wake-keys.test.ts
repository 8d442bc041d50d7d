import { describe, expect, it } from 'vitest';
import { wakesTheLoop } from '../../../agent/ha/ha-loop.js';

describe('what wakes the HA loop before loop_wait', () => {
  it.each(['/service/lab/leader', '/service/lab/config', '/service/lab/failover', '/service/lab/initialize', '/service/lab/sync'])('a change of %s', (key) =>
    expect(wakesTheLoop(key)).toBe(true),
  );

  it.each(['/service/lab/members/pg1', '/service/lab/members/leader', '/service/lab/status', '/service/lab/history'])('not a change of %s', (key) =>
    expect(wakesTheLoop(key)).toBe(false),
  );
});
