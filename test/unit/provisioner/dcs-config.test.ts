import { describe, expect, it } from 'vitest';
import { configChanges, dcsConfigHandler, patchBody } from '../../../cli/resources/dcs-config.js';
import type { DcsConfigResource } from '../../../cli/resources/desired-resource.js';
import { labSpec } from './lab-desired.js';

const resource = (config: object): DcsConfigResource =>
  ({ id: 'cluster/dcs_config/config', host: 'cluster', kind: 'dcs_config', stage: 'dcs', after: [], config }) as DcsConfigResource;

describe('the DCS config diff', () => {
  it('lists added, changed and removed keys, with nested PostgreSQL parameters by their full path', () => {
    const live = { ttl: 10, loop_wait: 2, postgresql: { parameters: { work_mem: '4MB', 'auto_explain.log_min_duration': 5 } } };
    const desired = { ttl: 10, loop_wait: 3, postgresql: { parameters: { work_mem: '4MB', max_connections: 200 } } };
    expect(configChanges(live, desired)).toEqual([
      { path: ['loop_wait'], before: 2, after: 3 },
      { path: ['postgresql', 'parameters', 'auto_explain.log_min_duration'], before: 5 },
      { path: ['postgresql', 'parameters', 'max_connections'], after: 200 },
    ]);
  });

  it('builds one PATCH body with removals as null', () => {
    const changes = configChanges({ a: 1, postgresql: { parameters: { x: 1 } } }, { a: 2, postgresql: { parameters: { y: 'on' } } });
    expect(patchBody(changes)).toEqual({ a: 2, postgresql: { parameters: { x: null, y: 'on' } } });
  });

  it('treats a key set to null as absent, as PATCH /config does', () => {
    expect(configChanges({ a: null, b: 1 }, { b: 1 })).toEqual([]);
  });

  it('leaves a pause alone, which the spec does not own, and says in a note that the cluster is paused', () => {
    expect(configChanges({ b: 1, pause: true }, { b: 1 })).toEqual([]);
    expect(configChanges({ b: 1, pause: 'on' }, { b: 2 })).toEqual([{ path: ['b'], before: 1, after: 2 }]);
    const observed = (pause: unknown) => ({ state: 'present' as const, value: { ttl: 10, pause }, revision: '7' });
    expect(dcsConfigHandler.notice!(resource({ ttl: 10 }), observed(true))).toMatch(/^the cluster is paused \(maintenance mode\): .* until "pgha resume"; apply leaves the pause as it is$/);
    expect(dcsConfigHandler.notice!(resource({ ttl: 10 }), observed(null))).toBeUndefined();
    expect(dcsConfigHandler.diff(resource({ ttl: 10 }), observed(true))).toBeUndefined();
  });

  it('marks parameters that need a restart, and shows no change when the live config equals the spec', () => {
    const spec = labSpec();
    const live = JSON.parse(JSON.stringify(spec.dcs)) as Record<string, unknown>;
    expect(dcsConfigHandler.diff(resource(spec.dcs), { state: 'present', value: live, revision: '7' })).toBeUndefined();
    const desired = { ...spec.dcs, postgresql: { ...spec.dcs.postgresql, parameters: { ...spec.dcs.postgresql.parameters, max_connections: 150, work_mem: '8MB' } } };
    const change = dcsConfigHandler.diff(resource(desired), { state: 'present', value: live, revision: '7' });
    expect(change?.restartNeeded).toEqual(['max_connections']);
    expect(change?.details).toEqual([
      '+ postgresql.parameters.max_connections = 150 (needs a PostgreSQL restart)',
      '+ postgresql.parameters.work_mem = "8MB"',
    ]);
  });

  it('turns synchronous mode on as a plain DCS change, without a restart', () => {
    const spec = labSpec();
    const live = JSON.parse(JSON.stringify(spec.dcs)) as Record<string, unknown>;
    const change = dcsConfigHandler.diff(resource({ ...spec.dcs, synchronous_mode: 'quorum', synchronous_node_count: 1 }), { state: 'present', value: live, revision: '7' });
    expect(change).toMatchObject({ action: 'update', details: ['~ synchronous_mode: false → "quorum"'] });
    expect(change?.restartNeeded ?? []).toEqual([]);
  });

  it('plans a new cluster config as written by the first agent, every key added', () => {
    const change = dcsConfigHandler.diff(resource({ ttl: 10 }), { state: 'unreachable' });
    expect(change).toEqual({ action: 'create', details: ['written by the first agent from its bootstrap config', '+ ttl = 10'], values: { before: null, after: { ttl: 10 } } });
  });
});
