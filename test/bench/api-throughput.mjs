#!/usr/bin/env node
// Requests per second the REST API serves on a health check (default GET /primary) over four
// keep-alive connections. The server runs in a worker thread with a fixed primary NodeState, so
// client and server each get a core. Prints figures; never fails on timing.
// Usage: node test/bench/api-throughput.mjs [SECONDS] [PATH] [--tls]
// (--tls: HTTPS with a certificate made here, as pgha apply sets the API up)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--tls');
const tls = process.argv.includes('--tls');
const seconds = Math.max(1, Math.min(60, Number(args[0] ?? 5)));
const path = args[1] ?? '/primary';
const CONNECTIONS = 4;

const SERVER = `
import { parentPort, workerData } from 'node:worker_threads';
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
const server = await startApiServer(context, { host: '127.0.0.1', port: 0, ...(workerData.tls && { tls: workerData.tls }) });
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
    const req = (tls ? httpsRequest : request)({ host: '127.0.0.1', port, path, agent }, (res) => {
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

/** A self-signed certificate for 127.0.0.1, as the cluster CA's would be. */
function certificate(dir) {
  const [key, cert] = [join(dir, 'api.key'), join(dir, 'api.crt')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/O=pgha', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

const dir = mkdtempSync(join(tmpdir(), 'pgha-bench-'));
const serverTls = tls ? certificate(dir) : undefined;
const worker = new Worker(await bundleServer(dir), { workerData: { tls: serverTls } });
try {
  const port = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets: CONNECTIONS, ca: serverTls.cert }) : new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const counts = new Map();
  await loop(agent, port, performance.now() + 500, new Map());
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(agent, port, start + seconds * 1000, counts)));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`GET ${path} over ${tls ? 'HTTPS' : 'plain HTTP'}, ${CONNECTIONS} keep-alive connections, ${elapsed.toFixed(1)} s after a 0.5 s warm-up`);
  console.log(`${Math.round(total / elapsed)} requests/s (${total} requests; status ${[...counts].map(([s, n]) => `${s}: ${n}`).join(', ')})`);
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('message', resolve));
} finally {
  await worker.terminate();
  rmSync(dir, { recursive: true, force: true });
}
