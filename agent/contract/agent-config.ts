// The agent's configuration file: checked against schemas/agent.schema.json, the timing rule and
// the settings this version refuses, every problem reported at its line and column. The CLI
// renders this file; the agent reads it.
import schema from '../../schemas/agent.schema.json' with { type: 'json' };
import commonSchema from '../../schemas/common.schema.json' with { type: 'json' };
import dcsSchema from '../../schemas/dcs.schema.json' with { type: 'json' };
import { callbackProblems } from './callback-commands.js';
import { compareDiagnostics, type Diagnostic } from './document/diagnostic.js';
import type { DocPath } from './document/doc-path.js';
import { createDocumentValidator } from './document/document-validator.js';
import type { YamlSource } from './document/yaml-source.js';
import type { AgentConfig } from './schema-types.js';
import { timingProblem } from './timing.js';
import { unsupportedSettingsIn } from './unsupported-settings.js';

export interface AgentConfigCheck {
  config?: AgentConfig;
  diagnostics: Diagnostic[];
}

function ruleProblems(config: AgentConfig, source: YamlSource): Diagnostic[] {
  const at = (path: DocPath, part: 'key' | 'value', message: string, rule: string): Diagnostic => ({ severity: 'error', ...source.positionOf(path, part), message, rule });
  const problems = unsupportedSettingsIn(config, 'agent').map(({ path, message }) => at(path, 'key', message, 'unsupported'));
  for (const { action, message } of callbackProblems(config.postgresql.callbacks)) problems.push(at(['postgresql', 'callbacks', action], 'value', message, 'callbacks'));
  const timing = timingProblem(config.bootstrap.dcs, 'bootstrap.dcs.');
  if (timing !== undefined) problems.push(at(['bootstrap', 'dcs', 'ttl'], 'value', timing, 'timing'));
  return problems;
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
  const problems = ruleProblems(config, document.source);
  if (problems.length === 0) return { config, diagnostics: document.diagnostics };
  return { diagnostics: [...document.diagnostics, ...problems].sort(compareDiagnostics) };
}
