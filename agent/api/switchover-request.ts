// The body of `POST /switchover` and `POST /failover`, checked in Patroni's order with its
// messages. A switchover moves leadership away from a named leader; a failover names the
// member to promote, and since Patroni 3.2 a failover that also names the leader is a switchover.
import { accepted, refused, type JsonObject, type Validated } from './api-exchange.js';
import { quoted } from '../contract/quoted.js';
import { parseSchedule } from './schedule-time.js';

export type SwitchoverAction = 'switchover' | 'failover';

export interface SwitchoverRequest {
  action: SwitchoverAction;
  leader?: string;
  candidate?: string;
  /** ISO 8601 with an offset; absent: now. */
  scheduledAt?: string;
}

/** A member name, or undefined for a field that is absent, null or empty. */
function nameField(body: JsonObject, key: string): Validated<string | undefined> {
  const value = body[key];
  if (value === undefined || value === null || value === '') return accepted(undefined);
  return typeof value === 'string' ? accepted(value) : refused(400, `${key} must be a member name, got ${quoted(value)}`);
}

function scheduledAt(body: JsonObject, requested: SwitchoverAction, paused: boolean, wallNowMs: number): Validated<string | undefined> {
  const value = body.scheduled_at;
  if (value === undefined || value === null || value === '') return accepted(undefined);
  if (requested === 'failover') return refused(400, 'a failover cannot be scheduled; schedule a switchover instead');
  if (paused) return refused(400, "Can't schedule switchover in the paused state");
  return parseSchedule(value, 'switchover', wallNowMs);
}

export function parseSwitchoverRequest(body: JsonObject, requested: SwitchoverAction, paused: boolean, wallNowMs: number): Validated<SwitchoverRequest> {
  const leader = nameField(body, 'leader');
  if (!leader.ok) return leader;
  const candidate = nameField(body, body.candidate ? 'candidate' : 'member');
  if (!candidate.ok) return candidate;
  if (requested === 'failover' && candidate.value === undefined) return refused(400, 'Failover could be performed only to a specific candidate');
  if (requested === 'switchover' && leader.value === undefined) return refused(400, 'Switchover could be performed only from a specific leader');
  const at = scheduledAt(body, requested, paused, wallNowMs);
  if (!at.ok) return at;
  if (paused && candidate.value === undefined) return refused(400, 'Switchover is possible only to a specific candidate in a paused state');
  if (leader.value === candidate.value) return refused(400, 'Switchover target and source are the same');
  const request: SwitchoverRequest = { action: requested === 'failover' && leader.value !== undefined ? 'switchover' : requested };
  if (leader.value !== undefined) request.leader = leader.value;
  if (candidate.value !== undefined) request.candidate = candidate.value;
  if (at.value !== undefined) request.scheduledAt = at.value;
  return accepted(request);
}
