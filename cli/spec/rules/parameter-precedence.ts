// Patroni's layering surprises people: a node-local setting silently beats the cluster-wide one.
import { warning, type Finding, type SpecRule } from './spec-rule.js';

export const parameterPrecedence: SpecRule = {
  name: 'parameter-precedence',
  check(spec) {
    const shared = spec.dcs.postgresql.parameters;
    const findings: Finding[] = [];
    for (const [name, value] of Object.entries(spec.postgres.parameters)) {
      if (!(name in shared) || shared[name] === value) continue;
      findings.push(
        warning(['postgres', 'parameters', name], `${name} is also set in dcs.postgresql.parameters; this node-local value wins on every host`, 'key'),
      );
    }
    return findings;
  },
};
