import { hostsWithRole } from '../host-roles.js';
import { error, warning, type Finding, type SpecRule } from './spec-rule.js';

export const synchronousMode: SpecRule = {
  name: 'synchronous-mode',
  check(spec) {
    const { synchronous_mode: mode, synchronous_mode_strict: strict, synchronous_node_count: count } = spec.dcs;
    if (mode === false) {
      return strict ? [error(['dcs', 'synchronous_mode_strict'], 'dcs.synchronous_mode_strict needs dcs.synchronous_mode: true (or quorum)')] : [];
    }
    const findings: Finding[] = [];
    const members = hostsWithRole(spec, 'postgres');
    if (count >= members.length) {
      findings.push(
        error(
          ['dcs', 'synchronous_node_count'],
          `dcs.synchronous_node_count (${count}) must be smaller than the number of postgres hosts (${members.length}): the primary cannot be its own standby`,
        ),
      );
    }
    const eligible = members.filter(({ host }) => host.tags?.nosync !== true && host.tags?.sync_priority !== 0);
    if (eligible.length === 0) {
      const message = 'every postgres host is tagged nosync (or sync_priority: 0), so no synchronous standby can ever be chosen';
      findings.push(strict ? error(['dcs', 'synchronous_mode_strict'], `${message} and writes would block`) : warning(['dcs', 'synchronous_mode'], message));
    }
    return findings;
  },
};
