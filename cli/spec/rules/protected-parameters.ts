// PostgreSQL settings that pgha sets itself, or that must be equal on every member.
import type { DocPath } from '../../../agent/contract/document/doc-path.js';
import { CLUSTER_WIDE_PARAMETERS, DERIVED_PARAMETERS } from '../../../agent/contract/protected-parameters.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

export const protectedParameters: SpecRule = {
  name: 'protected-parameter',
  check(spec) {
    const findings: Finding[] = [];
    const sections: [DocPath, Readonly<Record<string, unknown>>][] = [
      [['postgres', 'parameters'], spec.postgres.parameters],
      [['dcs', 'postgresql', 'parameters'], spec.dcs.postgresql.parameters],
    ];
    for (const [path, parameters] of sections) {
      for (const name of Object.keys(parameters)) {
        const source = DERIVED_PARAMETERS[name];
        if (source) findings.push(error([...path, name], `${name} is set by pgha from ${source}; change that instead`, 'key'));
      }
    }
    for (const name of Object.keys(spec.postgres.parameters)) {
      if (!CLUSTER_WIDE_PARAMETERS.has(name)) continue;
      findings.push(error(['postgres', 'parameters', name], `${name} must be equal on every member, so it can only be set in dcs.postgresql.parameters`, 'key'));
    }
    return findings;
  },
};
