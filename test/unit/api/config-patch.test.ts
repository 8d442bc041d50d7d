import { describe, expect, it } from 'vitest';
import { patchConfig } from '../../../agent/api/config-patch.js';

const base = () => ({ ttl: 30, loop_wait: 10, postgresql: { use_pg_rewind: true, parameters: { max_connections: 100, work_mem: '4MB' } } });

describe('PATCH /config merge', () => {
  it('merges objects recursively and deletes keys set to null', () => {
    const { config, changed } = patchConfig(base(), { ttl: 20, postgresql: { parameters: { work_mem: null, shared_buffers: '1GB' } }, synchronous_mode: true });
    expect(changed).toBe(true);
    expect(config).toEqual({ ttl: 20, loop_wait: 10, synchronous_mode: true, postgresql: { use_pg_rewind: true, parameters: { max_connections: 100, shared_buffers: '1GB' } } });
  });

  it('leaves the original untouched', () => {
    const original = base();
    patchConfig(original, { postgresql: { parameters: { max_connections: 200 } } });
    expect(original).toEqual(base());
  });

  it('reports no change when every value has the same text, or a deleted key was absent', () => {
    expect(patchConfig(base(), { ttl: '30', postgresql: { parameters: { max_connections: '100' } }, absent: null }).changed).toBe(false);
    expect(patchConfig({ flag: true }, { flag: 'True' }).changed).toBe(false);
    expect(patchConfig({ flag: true }, { flag: 'true' }).changed).toBe(true);
    expect(patchConfig({ gone: null }, { gone: null })).toEqual({ config: {}, changed: false });
  });

  it('replaces a scalar by an object and an object by a scalar', () => {
    expect(patchConfig({ a: 1, b: { c: 1 } }, { a: { x: 1 }, b: 2 })).toEqual({ config: { a: { x: 1 }, b: 2 }, changed: true });
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const patch = JSON.parse('{"postgresql": {"parameters": {"__proto__": {"polluted": 1}}}}') as Record<string, unknown>;
    const { config } = patchConfig(base(), patch);
    expect(JSON.stringify(config)).toContain('"parameters":{"max_connections":100,"work_mem":"4MB","__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
