import { describe, expect, it } from 'vitest';
import type { ApiResponse, Validated } from '../../../agent/api/api-exchange.js';
import { parseSwitchoverRequest, type SwitchoverAction } from '../../../agent/api/switchover-request.js';

const NOW_MS = Date.parse('2026-11-23T10:00:00Z');

function refusal<T>(result: Validated<T>): Pick<ApiResponse, 'status' | 'body'> | undefined {
  return result.ok ? undefined : { status: result.response.status, body: result.response.body };
}

const parse = (body: Record<string, unknown>, action: SwitchoverAction = 'switchover', paused = false) => parseSwitchoverRequest(body, action, paused, NOW_MS);

describe('switchover and failover requests', () => {
  it('accepts a switchover from the leader, to any member or to a candidate (also named member)', () => {
    expect(parse({ leader: 'pg1' })).toEqual({ ok: true, value: { action: 'switchover', leader: 'pg1' } });
    expect(parse({ leader: 'pg1', candidate: 'pg2' })).toEqual({ ok: true, value: { action: 'switchover', leader: 'pg1', candidate: 'pg2' } });
    expect(parse({ leader: 'pg1', member: 'pg3' })).toEqual({ ok: true, value: { action: 'switchover', leader: 'pg1', candidate: 'pg3' } });
  });

  it('accepts a failover to a candidate, and treats one that names the leader as a switchover', () => {
    expect(parse({ candidate: 'pg2' }, 'failover')).toEqual({ ok: true, value: { action: 'failover', candidate: 'pg2' } });
    expect(parse({ candidate: 'pg2', leader: 'pg1' }, 'failover')).toEqual({ ok: true, value: { action: 'switchover', leader: 'pg1', candidate: 'pg2' } });
  });

  it('schedules a switchover at a time with a timezone, stored in UTC', () => {
    expect(parse({ leader: 'pg1', scheduled_at: '2026-11-23T12:30:00+01:00' })).toEqual({
      ok: true,
      value: { action: 'switchover', leader: 'pg1', scheduledAt: '2026-11-23T11:30:00.000+00:00' },
    });
  });

  it.each<[string, Record<string, unknown>, SwitchoverAction, boolean, number, string]>([
    ['a failover without candidate', { leader: 'pg1' }, 'failover', false, 400, 'Failover could be performed only to a specific candidate'],
    ['a switchover without leader', { candidate: 'pg2' }, 'switchover', false, 400, 'Switchover could be performed only from a specific leader'],
    ['an empty leader', { leader: '', candidate: 'pg2' }, 'switchover', false, 400, 'Switchover could be performed only from a specific leader'],
    ['a leader that is not a name', { leader: 42 }, 'switchover', false, 400, 'leader must be a member name, got 42'],
    ['a scheduled failover', { candidate: 'pg2', scheduled_at: '2026-11-24T00:00:00Z' }, 'failover', false, 400, 'a failover cannot be scheduled; schedule a switchover instead'],
    ['a scheduled switchover while paused', { leader: 'pg1', candidate: 'pg2', scheduled_at: '2026-11-24T00:00:00Z' }, 'switchover', true, 400, "Can't schedule switchover in the paused state"],
    ['a time without timezone', { leader: 'pg1', scheduled_at: '2026-11-24T00:00:00' }, 'switchover', false, 400, 'the time to schedule the switchover at needs a timezone, such as +00:00 or Z'],
    ['a time in the past', { leader: 'pg1', scheduled_at: '2026-11-23T09:59:59Z' }, 'switchover', false, 422, 'the time to schedule the switchover at is in the past'],
    ['a time that is no time', { leader: 'pg1', scheduled_at: 'tomorrow' }, 'switchover', false, 422, 'cannot read the time to schedule the switchover at; give an ISO 8601 time such as 2026-11-23T10:00:00+00:00'],
    ['a switchover to any member while paused', { leader: 'pg1' }, 'switchover', true, 400, 'Switchover is possible only to a specific candidate in a paused state'],
    ['a switchover to the leader itself', { leader: 'pg1', candidate: 'pg1' }, 'switchover', false, 400, 'Switchover target and source are the same'],
    ['a failover from and to the same member', { leader: 'pg1', candidate: 'pg1' }, 'failover', false, 400, 'Switchover target and source are the same'],
  ])('refuses %s', (_what, body, action, paused, status, message) => {
    expect(refusal(parse(body, action, paused))).toEqual({ status, body: message });
  });

  it('accepts a paused switchover to a named candidate', () => {
    expect(parse({ leader: 'pg1', candidate: 'pg2' }, 'switchover', true).ok).toBe(true);
  });
});
