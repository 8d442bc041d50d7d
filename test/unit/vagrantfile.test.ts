// vagrant/Vagrantfile is valid Ruby and boots exactly the hosts of inventories/vagrant/cluster.yaml.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT, projectPath } from '../helpers/paths.js';

type Host = { name: string; address: string };

const VAGRANTFILE = readFileSync(projectPath('vagrant/Vagrantfile'), 'utf8');

/** The `{ name: "…", address: "…" }` entries of the Vagrantfile's HOSTS array, in order. */
function vagrantHosts(): Host[] {
  const array = /^HOSTS = \[\n([\s\S]*?)^\]/m.exec(VAGRANTFILE)?.[1] ?? '';
  const entries = array.matchAll(/\{\s*name:\s*"([^"]+)",\s*address:\s*"([^"]+)"\s*\}/g);
  return [...entries].map(([, name = '', address = '']) => ({ name, address }));
}

function specHosts(): Host[] {
  const spec = parse(readFileSync(projectPath('inventories/vagrant/cluster.yaml'), 'utf8')) as { hosts: Host[] };
  return spec.hosts.map(({ name, address }) => ({ name, address }));
}

describe('vagrant/Vagrantfile', () => {
  it('is valid Ruby', () => {
    const output = execFileSync('ruby', ['-c', 'vagrant/Vagrantfile'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(output).toContain('Syntax OK');
  });

  it('defines the hosts of inventories/vagrant/cluster.yaml', () => {
    expect(vagrantHosts()).toHaveLength(3);
    expect(vagrantHosts()).toEqual(specHosts());
  });
});
