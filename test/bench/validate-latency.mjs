#!/usr/bin/env node
// Wall time of `pgha validate inventories/example/cluster.yaml`, process start included.
// Prints figures; never fails on timing. Usage: npm run bench:validate [-- RUNS]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runs = Math.max(1, Math.min(1000, Number(process.argv[2] ?? 10)));
const args = [fileURLToPath(new URL('bin/pgha.mjs', `file://${root}`)), 'validate', 'inventories/example/cluster.yaml'];

function once() {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`pgha validate exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

once();
const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
const ms = (t) => `${t.toFixed(1)} ms`;
console.log(`pgha validate inventories/example/cluster.yaml, ${runs} runs after one warm-up`);
console.log(`median ${ms(median)}, min ${ms(times[0])}, max ${ms(times[times.length - 1])}`);
