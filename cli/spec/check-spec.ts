// Checks a cluster spec's text: YAML syntax, the JSON Schema, then the cross-field rules.
// Pure: the same text always gives the same diagnostics.
import schema from '../../schemas/cluster.schema.json' with { type: 'json' };
import commonSchema from '../../schemas/common.schema.json' with { type: 'json' };
import dcsSchema from '../../schemas/dcs.schema.json' with { type: 'json' };
import { compareDiagnostics, hasErrors, type Diagnostic } from '../../agent/contract/document/diagnostic.js';
import { createDocumentValidator } from '../../agent/contract/document/document-validator.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { SPEC_RULES } from './rules/spec-rules.js';

const validateDocument = createDocumentValidator<ClusterSpec>(schema, {
  expected: 'a cluster spec (apiVersion: pgha/v1, kind: Cluster)',
  references: [commonSchema, dcsSchema],
  renamedKeys: {
    master_start_timeout: 'primary_start_timeout',
    master_stop_timeout: 'primary_stop_timeout',
    permanent_slots: 'slots',
    permanent_replication_slots: 'slots',
  },
});

export interface SpecCheck {
  /** The spec with every default filled in; absent when there is any error. */
  spec?: ClusterSpec;
  /** Errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
}

export function checkSpec(text: string): SpecCheck {
  const document = validateDocument(text);
  const spec = document.value;
  if (!spec) return { diagnostics: document.diagnostics };
  const written = (path: readonly (string | number)[]): boolean => document.source.has(path);
  const findings = SPEC_RULES.flatMap((rule) =>
    rule.check(spec, written).map((finding): Diagnostic => {
      const { line, column } = document.source.positionOf(finding.path, finding.part ?? 'value');
      return { severity: finding.severity, line, column, message: finding.message, rule: rule.name };
    }),
  );
  const diagnostics = [...document.diagnostics, ...findings].sort(compareDiagnostics);
  return hasErrors(diagnostics) ? { diagnostics } : { spec, diagnostics };
}
