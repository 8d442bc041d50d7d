// pgha-agent figures on a real three-member cluster on loopback (pgha's default profile: ttl 10,
// loop_wait 2, retry_timeout 4), each measured RUNS times, printed as median and min–max:
// the write gap through HAProxy (last acknowledged write before the event → first after) for
// a primary node death, a PostgreSQL crash and a switchover; an idle agent's memory and CPU;
// GET /primary requests per second on 4 keep-alive connections.
// Run: npm run bench:agent   (PGHA_BENCH_RUNS=5 for more runs, PGHA_BENCH_TTL=20 for another ttl;
// -- -t crash, -t switchover, -t idle ... for one figure)
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { waitFor } from '../helpers/child-process.js';
import { startClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { longestGap } from '../helpers/writer.js';

const RUNS = Math.max(3, Number(process.env.PGHA_BENCH_RUNS ?? 3));
const TTL = Number(process.env.PGHA_BENCH_TTL ?? 10);
/** Node.js options for the agents, e.g. PGHA_BENCH_NODE_ARGS=--max-semi-space-size=1 */
const NODE_ARGS = (process.env.PGHA_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function summary(name: string, values: number[], unit: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const f = (v: number): string => (unit === 'ms' ? (v / 1000).toFixed(2) : v.toFixed(unit === 'req/s' ? 0 : 1));
  const u = unit === 'ms' ? 's' : unit;
  console.log(`${name}: median ${f(median)} ${u}, min ${f(sorted[0]!)} ${u}, max ${f(sorted.at(-1)!)} ${u} (${values.length} runs: ${values.map(f).join(', ')})`);
}

const FAILURE_LOG = '/tmp/pgha-bench-agents.log';

async function rejoin(load: ClusterUnderLoad, name: string): Promise<void> {
  try {
    await load.cluster.waitForReplicas(await load.cluster.waitForPrimary(30_000), 90_000);
  } catch (error) {
    const serverLogs = load.cluster.members.map((m) => `--- ${m.name} server log\n${readFileSync(`${m.dataDir}.log`, 'utf8').slice(-40_000)}`);
    writeFileSync(FAILURE_LOG, [load.cluster.logs(), ...serverLogs].join('\n'));
    throw new Error(`${name} did not rejoin: ${String(error)}; the agents' last output is in ${FAILURE_LOG}`);
  }
}

/** Resident memory (MiB) and CPU seconds used so far, from /proc. */
function usage(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rss, cpuSeconds: ticks / 100 };
}

async function throughput(port: number, path: string, seconds: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (Date.now() < until) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end();
      });
      done++;
    }
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
  agent.destroy();
  return done / seconds;
}

describe(`pgha-agent figures (ttl ${TTL})`, () => {
  describe('write gaps', () => {
    let load: ClusterUnderLoad;
    beforeAll(async () => {
      load = await startClusterUnderLoad({ dcs: { ttl: TTL, loop_wait: 2, retry_timeout: Math.min(4, Math.floor((TTL - 2) / 2)) } });
    });
    afterAll(async () => {
      try {
        const lost = new Set(await load.finish(await load.cluster.waitForPrimary(30_000)));
        console.log(`acknowledged writes lost over the whole run: ${lost.size} of ${load.writer.acks.length}`);
        const byPort = new Map(load.cluster.members.map((m) => [m.pgPort, m.name]));
        for (const ack of load.writer.acks.filter((a) => lost.has(a.id))) {
          console.log(`  lost: id ${ack.id}, acknowledged by ${byPort.get(ack.port) ?? ack.port} at ${new Date(ack.at).toISOString()}`);
        }
      } finally {
        await load.stop();
      }
    });

    it('primary node death', async () => {
      const { cluster } = load;
      const deaths: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const old = await cluster.waitForPrimary(30_000);
        const at = Date.now();
        console.log(`${new Date(at).toISOString()} kill -9 of ${old}`);
        await cluster.kill(old);
        const next = await cluster.waitForPrimary(TTL * 1000 + 30_000, old);
        await load.waitForWritesOn(next, at, 30_000);
        deaths.push(longestGap(load.writer.acks, at));
        cluster.startAgent(old);
        await rejoin(load, old);
      }
      summary('primary node death (kill -9 agent + postmaster), write gap', deaths, 'ms');
    });

    it('PostgreSQL crash', async () => {
      const { cluster } = load;
      const crashes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const primary = await cluster.waitForPrimary(30_000);
        const pid = await cluster.postmasterPid(primary);
        const at = Date.now();
        console.log(`${new Date(at).toISOString()} kill -9 of ${primary}'s postmaster`);
        process.kill(pid!, 'SIGKILL');
        await waitFor('writes to resume', () => load.acksSince(at + 50).length > 5, 60_000, 50);
        crashes.push(longestGap(load.writer.acks, at));
        await cluster.waitForReplicas(await cluster.waitForPrimary(30_000), 60_000);
      }
      summary('PostgreSQL crash with the agent alive, write gap', crashes, 'ms');
    });

    it('switchover', async () => {
      const { cluster } = load;
      const switchovers: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const primary = await cluster.waitForPrimary(30_000);
        const candidate = cluster.members.find((m) => m.name !== primary)!.name;
        const at = Date.now();
        console.log(`${new Date(at).toISOString()} switchover ${primary} → ${candidate}`);
        const answer = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
        if (answer.status !== 200) throw new Error(`switchover answered ${answer.status}: ${answer.body}`);
        await load.waitForWritesOn(candidate, at, 30_000);
        switchovers.push(longestGap(load.writer.acks, at));
        await rejoin(load, primary);
      }
      summary('switchover (POST /switchover), write gap', switchovers, 'ms');
    });
  });

  it('idle agent: memory, CPU, GET /primary throughput', async () => {
    const load = await startClusterUnderLoad({ agent: { log: { level: 'info' } }, nodeArgs: NODE_ARGS });
    const { cluster } = load;
    try {
      // Idle: no client and no HAProxy polling the agents, logging at its default level.
      await load.writer.stop();
      await load.haproxy.stop();
      const primary = await cluster.waitForPrimary(30_000);
      const pids = cluster.members.map((m) => m.agent!.pid);
      const before = pids.map(usage);
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      const after = pids.map(usage);
      summary('idle agent resident memory', after.map((u) => u.rssMiB), 'MiB');
      summary('idle agent CPU per minute', after.map((u, i) => u.cpuSeconds - before[i]!.cpuSeconds), 'CPU-s');
      const rates: number[] = [];
      for (let i = 0; i < RUNS; i++) rates.push(await throughput(cluster.member(primary).apiPort, '/primary', 5));
      summary('GET /primary on the real primary agent, 4 keep-alive connections', rates, 'req/s');
    } finally {
      await load.stop();
    }
  });
});
