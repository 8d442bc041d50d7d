import { describe, expect, it } from 'vitest';
import { displayPath, pointerToPath } from '../../../agent/contract/document/doc-path.js';

describe('document paths', () => {
  const data = { hosts: [{ name: 'a' }, { name: 'b' }], dcs: { postgresql: { parameters: { '0': 1 } } } };

  it('turns array indexes into numbers, and only those', () => {
    expect(pointerToPath('/hosts/1/name', data)).toEqual(['hosts', 1, 'name']);
    expect(pointerToPath('/dcs/postgresql/parameters/0', data)).toEqual(['dcs', 'postgresql', 'parameters', '0']);
    expect(pointerToPath('', data)).toEqual([]);
    expect(pointerToPath('/a~1b/c~0d', {})).toEqual(['a/b', 'c~d']);
  });

  it('reads the way people write them', () => {
    expect(displayPath(['hosts', 1, 'name'])).toBe('hosts[1].name');
    expect(displayPath(['dcs', 'postgresql', 'parameters', 'pg_stat_statements.max'])).toBe('dcs.postgresql.parameters."pg_stat_statements.max"');
    expect(displayPath([])).toBe('the document');
  });
});
