import { hostsWithRole } from '../host-roles.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

export const memberReferences: SpecRule = {
  name: 'member-reference',
  check(spec) {
    const members = new Set(hostsWithRole(spec, 'postgres').map(({ host }) => host.name));
    const findings: Finding[] = [];
    spec.hosts.forEach((host, i) => {
      const upstream = host.tags?.replicatefrom;
      if (upstream === undefined) return;
      const path = ['hosts', i, 'tags', 'replicatefrom'];
      if (upstream === host.name) findings.push(error(path, `${host.name} cannot replicate from itself`));
      else if (!members.has(upstream)) findings.push(error(path, `replicatefrom names "${upstream}", which is not a postgres host of this spec`));
    });
    return findings;
  },
};
