// `scheduled_at` of a switchover and `schedule` of a restart: an ISO 8601 time with a timezone,
// not in the past. Stored as UTC with an explicit offset, which Patroni and pgha both read.
import { accepted, refused, type Validated } from './api-exchange.js';
import { parseTimestamp } from './timestamp-text.js';

export function parseSchedule(value: unknown, action: string, wallNowMs: number): Validated<string> {
  const parsed = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (!parsed) return refused(422, `cannot read the time to schedule the ${action} at; give an ISO 8601 time such as 2026-11-23T10:00:00+00:00`);
  if (!parsed.hasZone) return refused(400, `the time to schedule the ${action} at needs a timezone, such as +00:00 or Z`);
  if (parsed.epochMs < wallNowMs) return refused(422, `the time to schedule the ${action} at is in the past`);
  return accepted(new Date(parsed.epochMs).toISOString().replace(/Z$/, '+00:00'));
}
