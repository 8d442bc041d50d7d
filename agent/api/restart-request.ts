// `POST /restart`'s body: when to restart and under which conditions. The conditions are
// checked now for an immediate restart, and by the HA loop when a scheduled one comes due.
import { parseDuration } from '../contract/pg-units.js';
import { quoted } from '../contract/quoted.js';
import { accepted, refused, type JsonObject, type Validated } from './api-exchange.js';
import type { NodeState } from '../ha/node-state.js';
import { reportedRole } from './node-view.js';
import { postgresVersionNumber } from './postgres-version.js';
import { parseSchedule } from './schedule-time.js';

export type RestartRole = 'primary' | 'standby_leader' | 'replica';

/** Patroni's field names, so a scheduled restart can be published as it is in the member key. */
export interface RestartRequest {
  /** ISO 8601 with an offset; absent: restart now. */
  schedule?: string;
  /** Restart only while PostgreSQL runs in this role. */
  role?: RestartRole;
  /** Restart only while the running version is older than this one. */
  postgres_version?: string;
  /** Seconds PostgreSQL may take to start again; overrides primary_start_timeout. */
  timeout?: number;
  /** Restart only while a setting waits for a restart. Patroni tests the key's presence, not its value. */
  restart_pending?: true;
}

const ROLES: readonly RestartRole[] = ['primary', 'standby_leader', 'replica'];

function positiveSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  return ms !== undefined && ms > 0 ? ms / 1000 : undefined;
}

/** Validates the keys in the order the client wrote them; the first bad one answers. */
export function parseRestartRequest(body: JsonObject, paused: boolean, wallNowMs: number): Validated<RestartRequest> {
  if (paused && 'schedule' in body) return refused(500, "Can't schedule restart in the paused state");
  const request: RestartRequest = {};
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'schedule': {
        const schedule = parseSchedule(value, 'restart', wallNowMs);
        if (!schedule.ok) return schedule;
        request.schedule = schedule.value;
        break;
      }
      case 'role':
        if (!ROLES.includes(value as RestartRole)) return refused(400, `role must be one of ${ROLES.join(', ')}`);
        request.role = value as RestartRole;
        break;
      case 'postgres_version':
        if (postgresVersionNumber(String(value)) === undefined) return refused(400, `postgres_version must look like 15.4 or 9.6.24, got ${quoted(value)}`);
        request.postgres_version = String(value);
        break;
      case 'timeout': {
        const seconds = positiveSeconds(value);
        if (seconds === undefined) return refused(400, 'timeout must be a positive number of seconds');
        request.timeout = seconds;
        break;
      }
      case 'restart_pending':
        request.restart_pending = true;
        break;
      default:
        return refused(400, `Unknown filter for the scheduled restart: ${quoted(key)}`);
    }
  }
  return accepted(request);
}

/** Whether the restart's conditions hold for this member now. */
export function restartConditionsHold(request: RestartRequest, state: NodeState, now: number): boolean {
  if (request.role !== undefined && request.role !== reportedRole(state, now)) return false;
  const wanted = request.postgres_version === undefined ? undefined : postgresVersionNumber(request.postgres_version);
  if (wanted !== undefined && wanted <= (state.postgres.serverVersion ?? 0)) return false;
  const pending = state.postgres.pendingRestart;
  return !request.restart_pending || (pending !== undefined && Object.keys(pending).length > 0);
}
