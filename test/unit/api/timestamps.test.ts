import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../../agent/api/schedule-time.js';
import { parseTimestamp, patroniTimestamp } from '../../../agent/api/timestamp-text.js';

describe('timestamps as text', () => {
  it.each([
    ['2026-11-23T10:00:00Z', Date.parse('2026-11-23T10:00:00Z'), true],
    ['2026-11-23T10:00:00+01:00', Date.parse('2026-11-23T09:00:00Z'), true],
    ['2026-11-23T10:00+0130', Date.parse('2026-11-23T08:30:00Z'), true],
    ['2026-11-23 10:00:00.25-05', Date.parse('2026-11-23T15:00:00.25Z'), true],
    ['2026-11-22 14:08:28.853880+00', Date.parse('2026-11-22T14:08:28.853Z') + 0.88, true],
    ['2026-11-23T10:00:00', Date.parse('2026-11-23T10:00:00Z'), false],
  ])('reads %s', (text, epochMs, hasZone) => {
    const parsed = parseTimestamp(text);
    expect(parsed?.hasZone).toBe(hasZone);
    expect(parsed?.epochMs).toBeCloseTo(epochMs, 6);
  });

  it.each(['tomorrow', '2026-02-30T10:00:00Z', '2026-11-23T24:00:00Z', '2026-11-23', '', '2026-11-23T10:00:00+1'])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it("writes PostgreSQL's short offsets the way Patroni shows them", () => {
    expect(patroniTimestamp('2026-11-22 14:08:28.85388+00')).toBe('2026-11-22 14:08:28.85388+00:00');
    expect(patroniTimestamp('2026-11-22 14:08:28+05:30')).toBe('2026-11-22 14:08:28+05:30');
  });

  it('schedules only times with a zone, not in the past, and writes them in UTC', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseSchedule('2026-11-23T10:00:00Z', 'restart', now)).toEqual({ ok: true, value: '2026-11-23T10:00:00.000+00:00' });
    expect(parseSchedule(12, 'restart', now)).toMatchObject({ ok: false, response: { status: 422 } });
  });
});
