import type { Host } from '../../../agent/contract/schema-types.js';
import { hostsWithRole } from '../host-roles.js';
import { error, warning, type Finding, type SpecRule } from './spec-rule.js';

function promotable(host: Host): boolean {
  return host.tags?.nofailover !== true && host.tags?.failover_priority !== 0;
}

export const failoverCandidates: SpecRule = {
  name: 'failover-candidates',
  check(spec) {
    const members = hostsWithRole(spec, 'postgres');
    const findings: Finding[] = members
      .filter(({ host }) => host.tags?.nofailover === true && (host.tags.failover_priority ?? 0) > 0)
      .map(({ index }) =>
        warning(['hosts', index, 'tags', 'failover_priority'], 'failover_priority has no effect next to nofailover: true (nofailover wins, as in Patroni)'),
      );
    const last = members[members.length - 1];
    if (last && !members.some(({ host }) => promotable(host))) {
      findings.push(
        error(
          ['hosts', last.index, 'tags'],
          'every postgres host is tagged nofailover (or failover_priority: 0), so no member could ever be promoted',
        ),
      );
    }
    return findings;
  },
};
