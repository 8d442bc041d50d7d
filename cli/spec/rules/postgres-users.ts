// postgres.users are roles pgha writes with CREATE/ALTER ROLE: their options must be words pgha
// can compare with pg_authid, and none may be a role the agent itself manages.
import { quoted } from '../../../agent/contract/quoted.js';
import { roleAttributes, SUPPORTED_OPTIONS } from '../../desired/role-attributes.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

export const postgresUsers: SpecRule = {
  name: 'users',
  check(spec) {
    const findings: Finding[] = [];
    const managed = new Map(Object.entries(spec.postgres.authentication).map(([purpose, role]) => [role.username, purpose]));
    for (const [name, user] of Object.entries(spec.postgres.users ?? {})) {
      const purpose = managed.get(name);
      if (purpose) findings.push(error(['postgres', 'users', name], `user ${quoted(name)} is postgres.authentication.${purpose}, which the agent manages; give the extra role another name`, 'key'));
      const parsed = roleAttributes(user.options ?? []);
      if ('unknown' in parsed) {
        const index = parsed.unknown;
        findings.push(error(['postgres', 'users', name, 'options', index], `${quoted(user.options![index])} is not a role option pgha manages; use ${SUPPORTED_OPTIONS}`));
      }
    }
    return findings;
  },
};
