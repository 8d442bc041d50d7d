// pgha-agent figures on a real three-member cluster on loopback (pgha's default profile: ttl 10,
// loop_wait 2, retry_timeout 4), each measured RUNS times, printed as median and min–max:
// the write gap through HAProxy (last acknowledged write before the event → first after) for
// a primary node death, a PostgreSQL crash and a switchover, and again for a node death and a
// switchover with synchronous_mode on (each event once the leader names its synchronous
// standby); acknowledged writes lost in each mode; an idle agent's memory and CPU and GET /primary
// requests per second on 4 keep-alive connections, with the REST API over plain HTTP and over
// HTTPS with Basic auth (as pgha apply sets it up).
// Run: npm run bench:agent   (PGHA_BENCH_RUNS=5 for more runs, PGHA_BENCH_TTL=20 for another ttl;
// -- -t crash, -t sync-death, -t sync-switchover, -t idle ... for one figure; -t death and
// -t switchover match both modes, -t "gaps death" the asynchronous node death alone)
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { waitFor } from '../helpers/child-process.js';
import { startClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { longestGap, WRITES_TABLE } from '../helpers/writer.js';
import { waitForSynchronousStandbys } from './synchronous-standbys.js';

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

/** The writer's refused writes, which would otherwise fill a replica's server log. */
const WRITER_NOISE = new RegExp(`read-only transaction|CREATE TABLE IF NOT EXISTS ${WRITES_TABLE}`);

/** Writes the agents' and servers' last output to a file for a later look; returns its path. */
function saveLogs(load: ClusterUnderLoad, why: string): string {
  const file = `/tmp/pgha-bench-agents-${why}-${Date.now()}.log`;
  const serverLog = (dataDir: string): string =>
    readFileSync(`${dataDir}.log`, 'utf8').split('\n').filter((line) => !WRITER_NOISE.test(line)).join('\n').slice(-40_000);
  const serverLogs = load.cluster.members.map((m) => `--- ${m.name} server log\n${serverLog(m.dataDir)}`);
  writeFileSync(file, [load.cluster.logs(), ...serverLogs].join('\n'));
  return file;
}

/** Resident memory (MiB) and CPU seconds used so far, from /proc. */
function usage(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rss, cpuSeconds: ticks / 100 };
}

/** Requests per second over 4 keep-alive connections; over HTTPS when given the CA. */
async function throughput(port: number, path: string, seconds: number, ca?: string): Promise<number> {
  const agent = ca === undefined ? new Agent({ keepAlive: true, maxSockets: 4 }) : new HttpsAgent({ keepAlive: true, maxSockets: 4, ca });
  const send = ca === undefined ? request : httpsRequest;
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (Date.now() < until) {
      await new Promise<void>((resolve, reject) => {
        const req = send({ host: '127.0.0.1', port, path, agent }, (res) => {
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

type Mode = 'async' | 'sync';

const MODES: Record<Mode, { dcs: Record<string, unknown>; suite: string; suffix: string }> = {
  async: { dcs: {}, suite: 'write gaps', suffix: '' },
  sync: { dcs: { synchronous_mode: true }, suite: 'write gaps, synchronous_mode on', suffix: ' [synchronous_mode on]' },
};

/** The cluster before an event: one primary, every replica streaming, and in synchronous mode the standby it names. */
interface Settled {
  primary: string;
  syncStandby: string | undefined;
}

async function settle(load: ClusterUnderLoad, mode: Mode): Promise<Settled> {
  const primary = await load.cluster.waitForPrimary(30_000);
  try {
    await load.cluster.waitForReplicas(primary, 90_000);
  } catch (error) {
    throw new Error(`a replica did not rejoin: ${String(error)}; the agents' last output is in ${saveLogs(load, 'rejoin')}`);
  }
  if (mode === 'async') return { primary, syncStandby: undefined };
  const { standbys, setting } = await waitForSynchronousStandbys(load.cluster, primary, 1, 30_000);
  console.log(`${primary} runs with synchronous_standby_names = '${setting}'`);
  return { primary, syncStandby: standbys[0] };
}

interface Scenario {
  name: string;
  figure: string;
  /** Causes the event and returns the write gap (ms) around it. */
  event(load: ClusterUnderLoad, before: Settled): Promise<number>;
}

/** Logs the event about to be caused, with the time; returns that time (Date.now()). */
function mark(event: string): number {
  const at = Date.now();
  console.log(`${new Date(at).toISOString()} ${event}`);
  return at;
}

/** By what `-t` selects: `<tag>: <name>` is a test's name, `sync-<tag>: <name>` its synchronous variant's. */
const SCENARIOS = {
  death: {
    name: 'primary node death',
    figure: 'primary node death (kill -9 agent + postmaster), write gap',
    async event(load, { primary, syncStandby }) {
      const at = mark(`kill -9 of ${primary}`);
      await load.cluster.kill(primary);
      const next = await load.cluster.waitForPrimary(TTL * 1000 + 30_000, primary);
      const which = syncStandby === undefined ? '' : next === syncStandby ? ', the synchronous standby,' : `, NOT the synchronous standby ${syncStandby},`;
      console.log(`  ${next}${which} answers /primary ${((Date.now() - at) / 1000).toFixed(2)} s after the kill`);
      await load.waitForWritesOn(next, at, 30_000);
      const gap = longestGap(load.writer.acks, at);
      if (gap > TTL * 1000 + 1000) console.log(`  a gap beyond ttl + 1 s; the agents' output is in ${saveLogs(load, 'slow-failover')}`);
      await load.cluster.startAgent(primary);
      return gap;
    },
  },
  crash: {
    name: 'PostgreSQL crash',
    figure: 'PostgreSQL crash with the agent alive, write gap',
    async event(load, { primary }) {
      const at = mark(`kill -9 of ${primary}'s postmaster`);
      await load.cluster.crashPostgres(primary);
      await waitFor('writes to resume', () => load.acksSince(at + 50).length > 5, 60_000, 50);
      return longestGap(load.writer.acks, at);
    },
  },
  switchover: {
    name: 'switchover',
    figure: 'switchover (POST /switchover), write gap',
    async event(load, { primary, syncStandby }) {
      // In synchronous mode only the synchronous standby may take over.
      const candidate = syncStandby ?? load.cluster.members.find((m) => m.name !== primary)!.name;
      const at = mark(`switchover ${primary} → ${candidate}`);
      const answer = await load.cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
      if (answer.status !== 200) throw new Error(`switchover answered ${answer.status}: ${answer.body}`);
      await load.waitForWritesOn(candidate, at, 30_000);
      return longestGap(load.writer.acks, at);
    },
  },
} satisfies Record<string, Scenario>;

function writeGaps(mode: Mode, tags: (keyof typeof SCENARIOS)[]): void {
  const { dcs, suite, suffix } = MODES[mode];
  describe(suite, () => {
    let load: ClusterUnderLoad;
    beforeAll(async () => {
      load = await startClusterUnderLoad({ dcs: { ttl: TTL, loop_wait: 2, retry_timeout: Math.min(4, Math.floor((TTL - 2) / 2)), ...dcs } });
    });
    afterAll(async () => {
      try {
        const lost = new Set(await load.finish(await load.cluster.waitForPrimary(30_000)));
        console.log(`acknowledged writes lost over the whole run${suffix}: ${lost.size} of ${load.writer.acks.length}`);
        const byPort = new Map(load.cluster.members.map((m) => [m.pgPort, m.name]));
        for (const ack of load.writer.acks.filter((a) => lost.has(a.id))) {
          console.log(`  lost: id ${ack.id}, acknowledged by ${byPort.get(ack.port) ?? ack.port} at ${new Date(ack.at).toISOString()}`);
        }
      } finally {
        await load.stop();
      }
    });

    for (const tag of tags) {
      const scenario: Scenario = SCENARIOS[tag];
      it(`${mode === 'async' ? '' : 'sync-'}${tag}: ${scenario.name}`, async () => {
        const gaps: number[] = [];
        for (let i = 0; i < RUNS; i++) gaps.push(await scenario.event(load, await settle(load, mode)));
        summary(`${scenario.figure}${suffix}`, gaps, 'ms');
      });
    }
  });
}

describe(`pgha-agent figures (ttl ${TTL})`, () => {
  writeGaps('async', ['death', 'crash', 'switchover']);
  writeGaps('sync', ['death', 'switchover']);

  for (const securedApi of [false, true]) {
    const api = securedApi ? 'HTTPS and Basic auth' : 'plain HTTP';
    it(`idle agent, REST API over ${api}: memory, CPU, GET /primary throughput`, async () => {
      const load = await startClusterUnderLoad({ agent: { log: { level: 'info' } }, nodeArgs: NODE_ARGS, securedApi });
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
        summary(`idle agent resident memory [${api}]`, after.map((u) => u.rssMiB), 'MiB');
        summary(`idle agent CPU per minute [${api}]`, after.map((u, i) => u.cpuSeconds - before[i]!.cpuSeconds), 'CPU-s');
        const rates: number[] = [];
        for (let i = 0; i < RUNS; i++) rates.push(await throughput(cluster.member(primary).apiPort, '/primary', 5, cluster.apiSecurity?.ca.cert));
        summary(`GET /primary on the real primary agent, 4 keep-alive connections [${api}]`, rates, 'req/s');
      } finally {
        await load.stop();
      }
    });
  }
});
