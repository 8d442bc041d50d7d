// Reads and checks the agent's configuration file; a bad file is a ConfigError whose message
// lists every problem as FILE:LINE:COL: message [rule].
import { readFileSync } from 'node:fs';
import { checkAgentConfig } from '../contract/agent-config.js';
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${code ?? String(error)})`);
  }
  const { config, diagnostics } = checkAgentConfig(text);
  const lines = diagnostics.map((d) => formatDiagnostic(path, d));
  if (!config || hasErrors(diagnostics)) throw new ConfigError(lines.join('\n'));
  return { config, warnings: lines };
}
