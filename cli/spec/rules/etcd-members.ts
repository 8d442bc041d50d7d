import { hostsWithRole } from '../host-roles.js';
import { error, warning, type SpecRule } from './spec-rule.js';

export const etcdMembers: SpecRule = {
  name: 'etcd-members',
  check(spec) {
    const members = hostsWithRole(spec, 'etcd');
    const last = members[members.length - 1];
    if (!last) return [error(['hosts'], 'no host has the etcd role; give it to 3 (or 5) hosts', 'key')];
    const at = ['hosts', last.index, 'roles'];
    if (members.length === 1) {
      return spec.etcd.allow_single_etcd
        ? [warning(at, `${last.host.name} is the only etcd member: losing it stops failover for the whole cluster`)]
        : [
            error(
              at,
              'only one host has the etcd role; use 3 (or 5) members, or set etcd.allow_single_etcd: true to accept a single point of failure',
            ),
          ];
    }
    if (members.length % 2 === 1) return [];
    // An even count is legal, and what removing one member of five leaves: it is only no sturdier than one fewer.
    return [
      warning(
        at,
        `${members.length} hosts have the etcd role: an even number of members survives no more failures than ${members.length - 1} would, ` +
          `so use ${members.length - 1} or ${members.length + 1}`,
      ),
    ];
  },
};
