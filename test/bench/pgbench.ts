// PostgreSQL 15's pgbench on loopback as the cluster's superuser, and what the benches read from it.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SUPERUSER } from '../helpers/agent-cluster.js';
import { POSTGRES_BIN_DIR } from '../helpers/postgres-user.js';

export interface PgbenchOutput {
  stdout: string;
  stderr: string;
}

export async function pgbench(port: number, args: string[], timeoutMs: number): Promise<PgbenchOutput> {
  return promisify(execFile)(`${POSTGRES_BIN_DIR}/pgbench`, ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER.username, ...args, 'postgres'], {
    env: { ...process.env, PGPASSWORD: SUPERUSER.password },
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** A number from pgbench's summary (`tps = 2619.5 (...)`, `number of failed transactions: 0 (0.000%)`); NaN when the line is missing. */
export function summaryFigure(stdout: string, label: string): number {
  const match = new RegExp(`^${label}(?: =|:) ([\\d.]+)`, 'm').exec(stdout);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * Every transaction's latency in ms, from the per-transaction logs that `-l --log-prefix <dir>/<prefix>`
 * writes (one file per thread; the third field of a line is the latency in µs, or `failed`/`skipped`).
 */
export function transactionLatencies(dir: string, prefix: string): number[] {
  const latencies: number[] = [];
  for (const file of readdirSync(dir).filter((name) => name.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (Number.isFinite(micros)) latencies.push(micros / 1000);
    }
  }
  return latencies;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
