import { describe, expect, it } from 'vitest';
import { parseRestartRequest, restartConditionsHold, type RestartRequest } from '../../../agent/api/restart-request.js';
import { NOW, primaryState, replicaState } from '../../helpers/api-node-state.js';

const NOW_MS = Date.parse('2026-11-23T10:00:00Z');
const parse = (body: Record<string, unknown>, paused = false) => parseRestartRequest(body, paused, NOW_MS);

describe('restart requests', () => {
  it('accepts an empty body, every filter, and a schedule', () => {
    expect(parse({})).toEqual({ ok: true, value: {} });
    expect(parse({ role: 'replica', postgres_version: '16.1', timeout: '2min', restart_pending: false, schedule: '2026-11-23T11:00:00Z' })).toEqual({
      ok: true,
      value: { role: 'replica', postgres_version: '16.1', timeout: 120, restart_pending: true, schedule: '2026-11-23T11:00:00.000+00:00' },
    });
    expect(parse({ timeout: 30, postgres_version: '9.6.24' })).toEqual({ ok: true, value: { timeout: 30, postgres_version: '9.6.24' } });
  });

  it.each<[string, Record<string, unknown>, boolean, number, string]>([
    ['an unknown key', { force: true }, false, 400, 'Unknown filter for the scheduled restart: "force"'],
    ['a role that does not exist', { role: 'master' }, false, 400, 'role must be one of primary, standby_leader, replica'],
    ['a version that is not one', { postgres_version: '15' }, false, 400, 'postgres_version must look like 15.4 or 9.6.24, got "15"'],
    ['an old version with two parts', { postgres_version: '9.6' }, false, 400, 'postgres_version must look like 15.4 or 9.6.24, got "9.6"'],
    ['a timeout of zero', { timeout: 0 }, false, 400, 'timeout must be a positive number of seconds'],
    ['a timeout that is no duration', { timeout: 'soon' }, false, 400, 'timeout must be a positive number of seconds'],
    ['a schedule in the past', { schedule: '2026-11-23T09:00:00Z' }, false, 422, 'the time to schedule the restart at is in the past'],
    ['a schedule without timezone', { schedule: '2026-11-23 11:00' }, false, 400, 'the time to schedule the restart at needs a timezone, such as +00:00 or Z'],
    ['a schedule while paused', { schedule: '2026-11-23T11:00:00Z' }, true, 500, "Can't schedule restart in the paused state"],
  ])('refuses %s', (_what, body, paused, status, message) => {
    const result = parse(body, paused);
    expect(result.ok ? undefined : { status: result.response.status, body: result.response.body }).toEqual({ status, body: message });
  });

  it('answers with the first bad key in the order the client wrote them', () => {
    const result = parse({ role: 'boss', timeout: -1 });
    expect(result.ok ? '' : result.response.body).toBe('role must be one of primary, standby_leader, replica');
  });
});

describe('restart conditions', () => {
  const holds = (request: RestartRequest, state = primaryState()) => restartConditionsHold(request, state, NOW);

  it('hold without filters', () => expect(holds({})).toBe(true));

  it('compare the role', () => {
    expect(holds({ role: 'primary' })).toBe(true);
    expect(holds({ role: 'replica' })).toBe(false);
    expect(holds({ role: 'replica' }, replicaState())).toBe(true);
  });

  it('restart only an older version than postgres_version', () => {
    expect(holds({ postgres_version: '15.19' })).toBe(true);
    expect(holds({ postgres_version: '15.18' })).toBe(false);
    expect(holds({ postgres_version: '14.5' })).toBe(false);
  });

  it('with restart_pending, restart only while a setting waits for it', () => {
    expect(holds({ restart_pending: true })).toBe(false);
    const pendingRestart = { shared_buffers: { old_value: '128MB', new_value: '1GB' } };
    expect(holds({ restart_pending: true }, primaryState({ postgres: { ...primaryState().postgres, pendingRestart } }))).toBe(true);
  });
});
