#!/usr/bin/env node
// Requests per second the REST API serves on a health check (default GET /primary) over four
// keep-alive connections. The server runs in a worker thread with a fixed primary NodeState, so
// client and server each get a core. Prints figures; never fails on timing.
// Usage: node test/bench/api-throughput.mjs [SECONDS] [PATH]
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Math.max(1, Math.min(60, Number(process.argv[2] ?? 5)));
const path = process.argv[3] ?? '/primary';
const CONNECTIONS = 4;

const SERVER = `
import { parentPort } from 'node:worker_threads';
import { startApiServer } from './agent/api/api-server.ts';
import { silentLogger } from './agent/logging/logger.ts';
import { NOW, primaryState } from './test/helpers/api-node-state.ts';

const state = primaryState();
const refuse = () => Promise.reject(new Error('not part of the benchmark'));
const context = {
  state: () => state,
  clock: { now: () => NOW, wallTime: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  dcs: { readCluster: refuse, writeConfig: refuse, writeFailover: refuse },
  fetchPeerStatus: async () => undefined,
  wake: () => undefined,
  restart: refuse,
  cancelScheduledRestart: refuse,
  reinitialize: refuse,
  reload: () => undefined,
  log: silentLogger,
};
const server = await startApiServer(context, { host: '127.0.0.1', port: 0 });
parentPort.postMessage(server.port);
parentPort.once('message', () => server.close().then(() => parentPort.postMessage('closed')));
`;

async function bundleServer(dir) {
  const outfile = join(dir, 'api-server-bench.mjs');
  const result = await build({ stdin: { contents: SERVER, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' });
  writeFileSync(outfile, result.outputFiles[0].contents);
  return outfile;
}

function get(agent, port) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

async function loop(agent, port, until, counts) {
  while (performance.now() < until) {
    const status = await get(agent, port);
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pgha-bench-'));
const worker = new Worker(await bundleServer(dir));
try {
  const port = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const counts = new Map();
  await loop(agent, port, performance.now() + 500, new Map());
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(agent, port, start + seconds * 1000, counts)));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`GET ${path}, ${CONNECTIONS} keep-alive connections, ${elapsed.toFixed(1)} s after a 0.5 s warm-up`);
  console.log(`${Math.round(total / elapsed)} requests/s (${total} requests; status ${[...counts].map(([s, n]) => `${s}: ${n}`).join(', ')})`);
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('message', resolve));
} finally {
  await worker.terminate();
  rmSync(dir, { recursive: true, force: true });
}
