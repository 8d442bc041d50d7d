import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../agent/contract/document/yaml-source.js';

const TEXT = `# comment
metadata:
  name: lab
hosts:
  - name: c1
    roles: [postgres, etcd]
  - { name: c2, address: 10.0.0.2 }
dcs:
  ttl:
`;

describe('YAML source positions', () => {
  const source = parseYamlSource(TEXT);

  it('parses to plain data', () => {
    expect(source.rootKind).toBe('mapping');
    expect(source.syntax).toEqual([]);
    expect(source.value).toEqual({ metadata: { name: 'lab' }, hosts: [{ name: 'c1', roles: ['postgres', 'etcd'] }, { name: 'c2', address: '10.0.0.2' }], dcs: { ttl: null } });
  });

  it('finds keys and values, in block and flow style', () => {
    expect(source.positionOf(['metadata', 'name'], 'key')).toEqual({ line: 3, column: 3 });
    expect(source.positionOf(['metadata', 'name'], 'value')).toEqual({ line: 3, column: 9 });
    expect(source.positionOf(['hosts', 0, 'roles', 1], 'value')).toEqual({ line: 6, column: 23 });
    expect(source.positionOf(['hosts', 1, 'address'], 'value')).toEqual({ line: 7, column: 26 });
    expect(source.positionOf(['hosts', 1], 'value')).toEqual({ line: 7, column: 5 });
  });

  it('points a path that is not written at its nearest written ancestor', () => {
    expect(source.positionOf(['hosts', 0, 'address'], 'value')).toEqual({ line: 5, column: 5 });
    expect(source.positionOf(['dcs', 'loop_wait'], 'value')).toEqual({ line: 8, column: 1 });
    expect(source.positionOf(['watchdog', 'mode'], 'value')).toEqual({ line: 2, column: 1 });
    expect(source.positionOf(['dcs', 'ttl'], 'value')).toEqual({ line: 9, column: 3 });
  });

  it('tells written paths from missing ones', () => {
    expect(source.has(['hosts', 1, 'address'])).toBe(true);
    expect(source.has(['hosts', 0, 'address'])).toBe(false);
  });

  it('reports syntax errors at their position', () => {
    const broken = parseYamlSource('a: 1\nb: [1, 2\n');
    expect(broken.value).toBeUndefined();
    expect(broken.syntax[0]).toMatchObject({ severity: 'error', rule: 'yaml', line: 3, column: 1 });
  });
});
