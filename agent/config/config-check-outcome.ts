// What checking the agent's configuration file gives: the configuration, or why it is refused.
import type { LoadedAgentConfig } from './load-agent-config.js';

export type ConfigCheckOutcome = { ok: true; loaded: LoadedAgentConfig } | { ok: false; message: string };
