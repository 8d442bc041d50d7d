// Checks the configuration file in a worker thread (see config-check-worker.ts), built beside the
// agent's bundle as config-check-worker.mjs.
import { Worker } from 'node:worker_threads';
import type { ConfigCheckOutcome } from './config-check-outcome.js';

export function checkConfigInWorker(path: string): Promise<ConfigCheckOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./config-check-worker.mjs', import.meta.url), { workerData: path });
    worker.once('message', (outcome: ConfigCheckOutcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the configuration check ended (exit ${code}) without an answer`)));
  });
}
