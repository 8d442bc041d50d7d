// The agent's configuration file: checked against schemas/agent.schema.json and the timing rule,
// every problem reported at its line and column. The CLI renders this file; the agent reads it.
import schema from '../../schemas/agent.schema.json' with { type: 'json' };
import commonSchema from '../../schemas/common.schema.json' with { type: 'json' };
import dcsSchema from '../../schemas/dcs.schema.json' with { type: 'json' };
import { compareDiagnostics, type Diagnostic } from './document/diagnostic.js';
import { createDocumentValidator } from './document/document-validator.js';
import type { AgentConfig } from './schema-types.js';
import { timingProblem } from './timing.js';


export interface AgentConfigCheck {
  config?: AgentConfig;
  diagnostics: Diagnostic[];
}

/**
 * The agent checks its file once, at start: the validator is built for the call and dropped
 * with it, so a long-running agent does not keep a JSON Schema compiler in memory.
 */
export function checkAgentConfig(text: string): AgentConfigCheck {
  const validateDocument = createDocumentValidator<AgentConfig>(schema, {
    expected: 'a pgha agent configuration (name, scope, etcd, restapi, postgresql)',
    references: [commonSchema, dcsSchema],
  });
  const document = validateDocument(text);
  const config = document.value;
  if (!config) return { diagnostics: document.diagnostics };
  const problem = timingProblem(config.bootstrap.dcs, 'bootstrap.dcs.');
  if (problem === undefined) return { config, diagnostics: document.diagnostics };
  const { line, column } = document.source.positionOf(['bootstrap', 'dcs', 'ttl'], 'value');
  const timing: Diagnostic = { severity: 'error', line, column, message: problem, rule: 'timing' };
  return { diagnostics: [...document.diagnostics, timing].sort(compareDiagnostics) };
}
