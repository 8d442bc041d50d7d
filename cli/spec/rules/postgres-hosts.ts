import { hostsWithRole } from '../host-roles.js';
import { error, type SpecRule } from './spec-rule.js';

export const postgresHosts: SpecRule = {
  name: 'postgres-hosts',
  check(spec) {
    const count = hostsWithRole(spec, 'postgres').length;
    if (count >= 2) return [];
    const which = count === 0 ? 'no host has' : 'only one host has';
    return [error(['hosts'], `${which} the postgres role; a highly available cluster needs at least 2`, 'key')];
  },
};
