import { describe, expect, it } from 'vitest';
import { recordedBootstrap } from '../../../cli/desired/agent-config.js';

describe("a host's recorded bootstrap section", () => {
  it('is kept as written, but for settings this version refuses, so the agent still starts after an upgrade', () => {
    const file = [
      'name: c1',
      'bootstrap:',
      '  initdb: [data-checksums]',
      '  dcs:',
      '    ttl: 10',
      '    max_timelines_history: 10',
      '    synchronous_mode: true',
      '    postgresql: { use_pg_rewind: true, use_slots: false }',
      '',
    ].join('\n');
    expect(recordedBootstrap(file)).toEqual({ initdb: ['data-checksums'], dcs: { ttl: 10, synchronous_mode: true, postgresql: { use_pg_rewind: true } } });
  });

  it('is none for a file without one, or one that does not parse', () => {
    expect(recordedBootstrap(undefined)).toBeUndefined();
    expect(recordedBootstrap('name: c1\n')).toBeUndefined();
    expect(recordedBootstrap('bootstrap: [')).toBeUndefined();
  });
});
