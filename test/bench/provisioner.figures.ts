// The provisioner's figures on three lab hosts: bare hosts to a healthy cluster (lab creation
// excluded), then `pgha plan` and a no-op `pgha apply --auto-approve` on the healthy cluster,
// each a few times (median, min–max). Prints figures; never fails on timing. As root.
// Run: npm run bench:provisioner
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { LAB_INVENTORY, labScript } from '../helpers/lab.js';
import { projectPath } from '../helpers/paths.js';

const run = promisify(execFile);
const SPEC = join(LAB_INVENTORY, 'cluster.yaml');
const REPEATS = Number(process.env.PGHA_BENCH_REPEATS ?? 5);

async function timed(...args: string[]): Promise<number> {
  const started = performance.now();
  await run('node', [projectPath('bin/pgha.mjs'), ...args], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

function figure(name: string, seconds: number[], target: string): string {
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${name}: ${median.toFixed(2)} s (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}, ${sorted.length} runs; target ${target})`;
}

describe('provisioner figures', () => {
  afterAll(() => labScript('down.sh', '--purge'), 300_000);

  it('prints bare → healthy, plan and no-op apply times', async () => {
    await labScript('down.sh', '--purge');
    await labScript('up.sh', '3');
    const bare = await timed('apply', '--auto-approve', SPEC);
    const plans: number[] = [];
    const applies: number[] = [];
    for (let i = 0; i < REPEATS; i++) plans.push(await timed('plan', '--detailed-exitcode', SPEC));
    for (let i = 0; i < REPEATS; i++) applies.push(await timed('apply', '--auto-approve', SPEC));
    console.log(
      [
        `bare hosts to healthy cluster (3 hosts): ${bare.toFixed(1)} s (target ≤ 180 s)`,
        figure('pgha plan, healthy cluster', plans, '≤ 2 s'),
        figure('no-op pgha apply --auto-approve', applies, '≤ 4 s'),
      ].join('\n'),
    );
  });
});
