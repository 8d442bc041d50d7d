// Runs in a worker thread: checks the agent's configuration file and posts the outcome. The
// JSON Schema compiler it needs lives and dies with the worker, not with the long-running agent.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, loadAgentConfig } from './load-agent-config.js';
import type { ConfigCheckOutcome } from './config-check-outcome.js';

function check(path: string): ConfigCheckOutcome {
  try {
    return { ok: true, loaded: loadAgentConfig(path) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}

parentPort?.postMessage(check(String(workerData)));
