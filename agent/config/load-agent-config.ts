// Reads and checks the agent's configuration file; a bad file is a ConfigError whose message
// lists every problem as FILE:LINE:COL: message [rule].
import { checkAgentConfig } from '../contract/agent-config.js';
import { readBoundedFile } from '../contract/document/bounded-file.js';
import { formatDiagnostic, hasErrors } from '../contract/document/diagnostic.js';
import type { AgentConfig } from '../contract/schema-types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedAgentConfig {
  config: AgentConfig;
  /** Warnings to log once at start. */
  warnings: string[];
}

export function loadAgentConfig(path: string): LoadedAgentConfig {
  const read = readBoundedFile(path);
  if (!read.ok) throw new ConfigError(`${path}: ${read.problem}`);
  const { config, diagnostics } = checkAgentConfig(read.bytes.toString('utf8'));
  const lines = diagnostics.map((d) => formatDiagnostic(path, d));
  if (!config || hasErrors(diagnostics)) throw new ConfigError(lines.join('\n'));
  return { config, warnings: lines };
}
