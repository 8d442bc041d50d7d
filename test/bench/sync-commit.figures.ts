// The cost of synchronous commit: pgbench -c 4 (TPC-B-like, scale 10) through HAProxy for
// PGHA_BENCH_SECONDS (default 60) against a fresh three-member cluster in each mode: async,
// synchronous_mode on (FIRST 1) and quorum (ANY 1 of the two standbys). tps and the average latency
// are pgbench's own; p50 and p99 are nearest-rank percentiles over every transaction's latency in
// pgbench's per-transaction log (-l). The synchronous runs start only once the primary runs with a
// non-empty synchronous_standby_names, which is printed. The harness runs PostgreSQL with
// fsync off, so the difference is the round trip to the standby, not a disk flush.
// Run: npm run bench:sync   (-- -t quorum ... for one mode)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { AgentCluster } from '../helpers/agent-cluster.js';
import type { Haproxy } from '../helpers/haproxy.js';
import { percentile, pgbench, summaryFigure, transactionLatencies } from './pgbench.js';
import { synchronousStandbyNames, waitForSynchronousStandbys } from './synchronous-standbys.js';

const SECONDS = Number(process.env.PGHA_BENCH_SECONDS ?? 60);
const LOG_PREFIX = 'tx';

interface Mode {
  name: string;
  dcs: Record<string, unknown>;
  /** How many standbys the leader names once every replica streams. */
  standbys: number;
}

const MODES: Mode[] = [
  { name: 'async', dcs: {}, standbys: 0 },
  { name: 'sync (synchronous_mode: true)', dcs: { synchronous_mode: true }, standbys: 1 },
  { name: 'quorum (synchronous_mode: quorum)', dcs: { synchronous_mode: 'quorum' }, standbys: 2 },
];

interface Row {
  mode: string;
  setting: string;
  tps: number;
  averageMs: number;
  p50Ms: number;
  p99Ms: number;
  transactions: number;
  failed: number;
}

async function measure(mode: Mode): Promise<Row> {
  const cluster = await AgentCluster.start({ dcs: mode.dcs });
  const logDir = mkdtempSync(join(tmpdir(), 'pgha-bench-pgbench-'));
  let haproxy: Haproxy | undefined;
  try {
    haproxy = await cluster.startHaproxy();
    const primary = await cluster.waitForPrimary(60_000);
    await cluster.waitForReplicas(primary, 60_000);
    const timeoutMs = (SECONDS + 120) * 1000;
    await pgbench(haproxy.port, ['-i', '-s', '10', '-q'], timeoutMs);
    const { setting } = await waitForSynchronousStandbys(cluster, primary, mode.standbys, 60_000);
    console.log(`${mode.name}: ${primary} runs with synchronous_standby_names = '${setting}'`);
    const run = await pgbench(haproxy.port, ['-c', '4', '-j', '2', '-T', String(SECONDS), '--no-vacuum', '-l', '--log-prefix', join(logDir, LOG_PREFIX)], timeoutMs);
    const after = await cluster.primaries();
    if (after.length !== 1 || after[0] !== primary) {
      console.log(`${mode.name}: the primary changed during the run: ${after.join(', ') || 'none'} instead of ${primary}`);
    } else {
      const now = await synchronousStandbyNames(cluster, primary);
      if (now !== setting) console.log(`${mode.name}: synchronous_standby_names changed during the run, to '${now}'`);
    }
    const latencies = transactionLatencies(logDir, LOG_PREFIX);
    return {
      mode: mode.name,
      setting,
      tps: summaryFigure(run.stdout, 'tps'),
      averageMs: summaryFigure(run.stdout, 'latency average'),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      transactions: latencies.length,
      failed: summaryFigure(run.stdout, 'number of failed transactions'),
    };
  } catch (error) {
    throw new Error(`${String(error)}\n${cluster.logs()}`);
  } finally {
    await haproxy?.stop();
    await cluster.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const header = ['mode', 'synchronous_standby_names', 'tps', 'latency avg', 'p50', 'p99', 'transactions', 'failed'];
  const cells = rows.map((r) => [r.mode, `'${r.setting}'`, r.tps.toFixed(0), `${r.averageMs.toFixed(2)} ms`, `${r.p50Ms.toFixed(2)} ms`, `${r.p99Ms.toFixed(2)} ms`, String(r.transactions), String(r.failed)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

describe(`synchronous commit cost: pgbench -c 4 -T ${SECONDS} through HAProxy`, () => {
  const rows: Row[] = [];
  afterAll(() => {
    if (rows.length > 0) console.log(`pgbench -c 4 -j 2 -T ${SECONDS}, scale 10, through HAProxy; p50/p99 from the per-transaction log\n${table(rows)}`);
  });

  for (const mode of MODES) {
    it(mode.name, async () => {
      rows.push(await measure(mode));
    });
  }
});
