// The schema already refuses a literal value where a secret reference belongs; this rule looks
// into the free-form maps (PostgreSQL settings, tags, initdb options) for secrets pasted there.
import { displayPath, type DocPath } from '../../../agent/contract/document/doc-path.js';
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

const SECRET_KEY = /passw(or)?d|secret|token|api_?key/i;
const CONNINFO_PASSWORD = /(^|\s)password\s*=\s*\S/i;

type FreeForm = Readonly<Record<string, unknown>> | undefined;

function freeFormMaps(spec: ClusterSpec): [DocPath, FreeForm][] {
  return [
    [['postgres', 'parameters'], spec.postgres.parameters],
    [['dcs', 'postgresql', 'parameters'], spec.dcs.postgresql.parameters],
    [['dcs', 'postgresql', 'recovery_conf'], spec.dcs.postgresql.recovery_conf],
    ...spec.postgres.initdb.map((option, i): [DocPath, FreeForm] => [['postgres', 'initdb', i], typeof option === 'object' ? option : undefined]),
    ...spec.hosts.map((host, i): [DocPath, FreeForm] => [['hosts', i, 'tags'], host.tags]),
  ];
}

function looksSecret(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  return SECRET_KEY.test(key) || CONNINFO_PASSWORD.test(value);
}

export const literalSecrets: SpecRule = {
  name: 'literal-secret',
  check(spec) {
    const findings: Finding[] = [];
    for (const [path, map] of freeFormMaps(spec)) {
      for (const [key, value] of Object.entries(map ?? {})) {
        if (!looksSecret(key, value)) continue;
        findings.push(
          error(
            [...path, key],
            `${displayPath([...path, key])} holds what looks like a literal secret; secrets never go in the spec: ` +
              'pass credentials through the {env: NAME} or {file: PATH} references of postgres.authentication, postgres.users, etcd.auth and agent.auth',
          ),
        );
      }
    }
    return findings;
  },
};
