// Fuzzes every REST endpoint of a real agent process (two members, real PostgreSQL 15 and etcd on
// loopback): random methods, paths, query strings, headers and bodies, plus the hostile inputs of
// issue 10 by name. Every answer is 2xx, 4xx, 503 (a health check that says no, as Patroni's do)
// or 501 (a method Patroni does not serve); never another 5xx, never a dropped agent. Meanwhile a
// prober asks GET /liveness every 25 ms, and the leader keeps renewing its lease (/patroni's
// leader_until never runs low). A probe slower than 50 ms may be a stalled event loop or a busy
// machine: the requests in flight then are sent again, one at a time with a probe right behind
// each, three times; a stall that every replay shows is the agent's.
//
// Mutating requests go to the leader only, each with a field that makes it invalid (a role that
// is none, a member that does not exist, a ttl that is no number), except some PATCH /config of
// work_mem: the fuzzer must test the agent's defences, not switch the cluster over or restart it.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../agent/api/request-target.js';
import { WRITE_ENDPOINTS } from '../../agent/api/write-endpoints.js';
import { AgentCluster } from '../helpers/agent-cluster.js';
import { rawExchange } from '../helpers/api-http.js';
import { FUZZ_SCALE, FUZZ_SEED, hostileText, Random } from './fuzz-input.js';

const STALL_MS = 50;
const PROBE_EVERY_MS = 25;
/** Requests in CI; PGHA_FUZZ_RUNS multiplies both bounds. */
const REQUESTS = 40_000 * FUZZ_SCALE;
const FUZZ_MS = 40_000 * FUZZ_SCALE;
const CONCURRENCY = 4;

const SEGMENTS = ['', 'primary', 'master', 'leader', 'replica', 'read-only', 'read-write', 'standby-leader', 'standby_leader', 'health', 'liveness', 'readiness', 'sync', 'synchronous', 'async', 'quorum', 'read-only-sync', 'read-only-quorum', 'patroni', 'cluster', 'history', 'config', 'failsafe', 'metrics', 'switchover', 'failover', 'restart', 'reinitialize', 'reload'];
/** `METHOD segment` of every mutating endpoint. */
const WRITE_ROUTES = [...WRITE_ENDPOINTS.keys()].map((route) => route.split(' ') as [string, string]);
const QUERY_KEYS = ['lag', 'mode', 'tag_nofailover', 'tag_clonefrom', 'tag_dc', 'tag_', 'x'];
const BODY_KEYS = ['leader', 'candidate', 'member', 'scheduled_at', 'schedule', 'role', 'postgres_version', 'timeout', 'restart_pending', 'force', 'from_leader', 'ttl', 'loop_wait', 'maximum_lag_on_failover', 'postgresql', 'parameters', 'pg_hba', 'work_mem', 'slots', 'tags', '__proto__', 'constructor'];
const HEADERS = ['authorization', 'content-type', 'if-match', 'accept', 'x-forwarded-for', 'transfer-encoding-x', 'cookie'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PATCH', 'DELETE', 'TRACE', 'PROPFIND'];

interface FuzzRequest {
  member: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** A request or probe and when it was under way (performance.now()). */
interface Span<T> {
  item: T;
  from: number;
  to: number;
}

/** A /liveness probe: its latency, to which member. */
type Probe = Span<number> & { member: string };

/** Percent-encoded, with any half of a surrogate pair (which encodeURIComponent refuses) replaced. */
const encode = (text: string): string => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));

/** Printable ASCII only: node:http refuses to send anything else in a header. */
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e]/g, '').slice(0, 8000);

function hostileValue(random: Random, depth: number): unknown {
  switch (random.int(depth > 3 ? 5 : 7)) {
    case 0:
      return hostileText(random, 20_000);
    case 1:
      return random.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, 10, 2]);
    case 2:
      return random.pick([true, false, null]);
    case 3:
      return `${random.int(100)}${random.pick(['', 'MB', 'kB', 'min', 's', ' MB', 'x'])}`;
    case 4:
      return random.pick(['pg1', 'pg2', 'primary', 'replica', '2030-01-01T00:00:00+00:00', 'now', '15.4']);
    case 5:
      return Array.from({ length: random.int(4) }, () => hostileValue(random, depth + 1));
    default:
      return hostileObject(random, depth + 1);
  }
}

function hostileObject(random: Random, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = random.int(5); i > 0; i--) {
    const key = random.next() < 0.8 ? random.pick(BODY_KEYS) : hostileText(random, 2000);
    Object.defineProperty(object, key, { value: hostileValue(random, depth), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** The fields that keep a mutating request from acting: see the header comment. */
function poisoned(segment: string, method: string, body: Record<string, unknown>, random: Random, members: readonly string[]): Record<string, unknown> | undefined {
  const notMember = (value: unknown): unknown => (typeof value === 'string' && members.includes(value) ? `${value}-not-a-member` : value);
  for (const key of ['leader', 'candidate', 'member']) if (key in body) body[key] = notMember(body[key]);
  if (segment === 'restart' && method === 'POST') return { ...body, role: `not-a-role-${random.int(1000)}` };
  if ((segment === 'switchover' || segment === 'failover') && method === 'POST') return { candidate: 'not-a-member', leader: 'not-a-member', ...body };
  if (segment === 'config' && method === 'PATCH' && random.next() < 0.2) return { postgresql: { parameters: { work_mem: `${1 + random.int(64)}MB` } } };
  if (segment === 'config' && (method === 'PATCH' || method === 'PUT')) return { ...body, ttl: `poison-${random.int(1000)}` };
  return undefined;
}

function deepBody(depth: number): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

function fuzzRequest(random: Random, leader: string, members: readonly string[]): FuzzRequest {
  const route = random.next() < 0.4 ? random.pick(WRITE_ROUTES) : undefined;
  const method = route?.[0] ?? random.pick(METHODS);
  const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(method);
  const member = mutating ? leader : random.pick(members);
  const suffix = random.next() < 0.3 ? `/${encode(hostileText(random, 4000))}` : '';
  const query = Array.from({ length: random.int(4) }, () => {
    const key = random.next() < 0.8 ? random.pick(QUERY_KEYS) : hostileText(random, 200);
    return `${encode(key)}=${random.next() < 0.5 ? `1${'+'.repeat(random.int(8000))}${random.pick(['1', 'x!', 'MB', ''])}` : encode(String(hostileValue(random, 4)))}`;
  }).join('&');
  const segment = route?.[1] ?? random.pick(SEGMENTS);
  const path = `/${segment}${suffix}${query ? `?${query}` : ''}`.slice(0, 12_000);
  const headers: Record<string, string> = {};
  for (let i = random.int(3); i > 0; i--) headers[random.pick(HEADERS)] = headerSafe(hostileText(random, 4000));
  if (random.next() < 0.5) headers['content-type'] = random.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'APPLICATION/JSON']);
  if (!mutating) return { member, method, path, headers };
  const routed = parseRequestTarget(path).segment;
  const roll = random.next();
  const object = hostileObject(random, 0);
  const body =
    roll < 0.05
      ? deepBody(1 + random.int(30_000))
      : roll < 0.15
        ? hostileText(random, 70_000)
        : JSON.stringify(poisoned(routed, method, object, random, members) ?? object);
  return { member, method, path, headers, body };
}

describe(`fuzzing the REST API of a real agent (seed ${FUZZ_SEED})`, () => {
  let cluster: AgentCluster;
  let leader: string;
  const ports = new Map<string, number>();
  const fuzzAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    cluster = await AgentCluster.start({ members: 2 });
    leader = await cluster.waitForSettled(120_000);
    for (const member of cluster.members) ports.set(member.name, member.apiPort);
  }, 180_000);

  afterAll(async () => {
    fuzzAgent.destroy();
    await cluster?.stop();
  }, 60_000);

  function send(call: FuzzRequest, agent: Agent | false = fuzzAgent, timeoutMs = 10_000): Promise<Answer> {
    const started = performance.now();
    const headers: Record<string, string> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ports.get(call.member), method: call.method, path: call.path, headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(call.body);
    });
  }

  const probe = (member: string, agent: Agent | false): Promise<Answer> =>
    send({ member, method: 'GET', path: '/liveness', headers: {} }, agent, 5000).catch(() => ({ status: 0, body: '', ms: 5000 }));

  /** GET /liveness on its own connection every 25 ms until stopped; each probe's span, in order. */
  function startProber(member: string): { probes: readonly Probe[]; stop(): Promise<Probe[]> } {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: Probe[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const from = performance.now();
        const answer = await probe(member, agent);
        latencies.push({ item: answer.ms, from, to: performance.now(), member });
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    return {
      probes: latencies,
      stop: async () => {
        running = false;
        await loop;
        agent.destroy();
        return latencies;
      },
    };
  }

  /** /patroni's leader_until on the leader every 250 ms; the lowest seen, and whether it ever stopped leading. */
  function startLeaseWatch(): { stop(): Promise<{ lowest: number; samples: number; lost: number }> } {
    let running = true;
    const seen = { lowest: Number.POSITIVE_INFINITY, samples: 0, lost: 0 };
    const loop = (async () => {
      while (running) {
        const answer = await send({ member: leader, method: 'GET', path: '/patroni', headers: {} }, false, 5000).catch(() => undefined);
        const status = answer?.status === 200 ? (JSON.parse(answer.body) as { role?: string; pgha?: { leader_until?: number | null } }) : undefined;
        const until = status?.role === 'primary' ? status.pgha?.leader_until : undefined;
        seen.samples++;
        if (typeof until === 'number') seen.lowest = Math.min(seen.lowest, until);
        else seen.lost++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return seen;
      },
    };
  }

  /** Whether `call` stalls the agent in each of three tries: a probe sent right behind it waits over STALL_MS. */
  async function stallsEveryTime(call: FuzzRequest): Promise<boolean> {
    for (let i = 0; i < 3; i++) {
      const answer = send(call, false).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 2));
      const probed = await probe(call.member, false);
      await answer;
      if (probed.ms <= STALL_MS) return false;
    }
    return true;
  }

  /** Of `calls`, those that stall the agent every time, described (at most 30 are tried). */
  async function confirmedStalls(calls: Iterable<FuzzRequest>): Promise<string[]> {
    const confirmed: string[] = [];
    for (const call of [...calls].slice(0, 30)) if (await stallsEveryTime(call)) confirmed.push(`${call.method} ${call.path.slice(0, 200)} ${call.body?.slice(0, 200) ?? ''}`);
    return confirmed;
  }

  /**
   * The requests in flight while a probe was slow. Requests are kept only until no probe that
   * could overlap them is still out (a probe gives up after 5 s), so memory stays bounded.
   */
  function suspectCollector(probes: readonly (readonly Probe[])[]): { add(request: Span<FuzzRequest>): void; suspects(): Set<FuzzRequest> } {
    let recent: Span<FuzzRequest>[] = [];
    const suspects = new Set<FuzzRequest>();
    const sweep = (olderThan: number): void => {
      const slow = probes.flat().filter((p) => p.item > STALL_MS);
      for (const r of recent) if (r.to < olderThan && slow.some((p) => p.member === r.item.member && r.from < p.to && p.from < r.to)) suspects.add(r.item);
      recent = recent.filter((r) => r.to >= olderThan);
    };
    return {
      add: (request) => {
        recent.push(request);
        if (recent.length > 2000) sweep(performance.now() - 6000);
      },
      suspects: () => {
        sweep(Number.POSITIVE_INFINITY);
        return suspects;
      },
    };
  }

  /** Patroni's own 5xx answers: 503 from a health check, 501 for a method it does not serve, 502 from GET or POST /failsafe when failsafe mode is off. */
  const acceptable = (answer: Answer): boolean =>
    answer.status >= 200 &&
    (answer.status < 500 ||
      answer.status === 503 ||
      (answer.status === 501 && answer.body.startsWith('Unsupported method')) ||
      (answer.status === 502 && /^failsafe mode is not (active|enabled)$/.test(answer.body)));

  it('answers the hostile inputs of issue 10 with 400, quickly', async () => {
    const replica = cluster.members.find((m) => m.name !== leader)!.name;
    const json = { 'content-type': 'application/json' };
    const cases: [FuzzRequest, number, RegExp][] = [
      [{ member: leader, method: 'PATCH', path: '/config', headers: json, body: JSON.stringify({ postgresql: { parameters: { work_mem: '1MB\nssl=on' } } }) }, 400, /work_mem must be a single line/],
      [{ member: leader, method: 'PUT', path: '/config', headers: json, body: JSON.stringify({ ttl: 10, loop_wait: 2, retry_timeout: 4, postgresql: { pg_hba: ['local all all trust\nhost all all 0.0.0.0/0 trust'] } }) }, 400, /pg_hba\[0\] must be a single line/],
      [{ member: leader, method: 'PATCH', path: '/config', headers: json, body: JSON.stringify({ maximum_lag_on_failover: `1${' '.repeat(60_000)}1` }) }, 400, /maximum_lag_on_failover must be a size/],
      ...['POST /switchover', 'POST /failover', 'POST /restart', 'POST /reinitialize', 'PATCH /config', 'PUT /config'].map((route): [FuzzRequest, number, RegExp] => {
        const [method, path] = route.split(' ') as [string, string];
        return [{ member: leader, method, path, headers: json, body: deepBody(29_990) }, 400, /nested more than 32 levels deep/];
      }),
      [{ member: replica, method: 'GET', path: `/replica?lag=1${'+'.repeat(16_000)}1`, headers: {} }, 200, /"role":"replica"/],
      [{ member: replica, method: 'GET', path: `/readiness?lag=1${'+'.repeat(16_000)}x!&mode=write`, headers: {} }, 200, /^$/],
    ];
    for (const [call, status, body] of cases) {
      const answer = await send(call);
      expect({ route: `${call.method} ${call.path.slice(0, 40)}`, status: answer.status, body: body.test(answer.body) }).toEqual({ route: `${call.method} ${call.path.slice(0, 40)}`, status, body: true });
    }
    // These are inputs known to have stalled the agent (130 ms, 2 s): each is tried, not only a suspect.
    expect(await confirmedStalls(cases.map(([call]) => call))).toEqual([]);
  }, 60_000);

  it('answers random requests to every endpoint with 2xx, 4xx, 501 or 503, never stalls, and keeps its lease', async () => {
    const random = new Random(FUZZ_SEED);
    const members = cluster.members.map((m) => m.name);
    const probers = members.map(startProber);
    const lease = startLeaseWatch();
    const requests = suspectCollector(probers.map((p) => p.probes));
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const started = performance.now();
    let sent = 0;
    let raw = 0;
    const worker = async (): Promise<void> => {
      while (sent < REQUESTS && performance.now() - started < FUZZ_MS && failures.length < 5) {
        sent++;
        if (random.next() < 0.03) {
          // Bytes no HTTP client would send: node:http answers 400 (or closes) on its own.
          raw++;
          const garbage = `${random.pick(METHODS)} /${hostileText(random, 2000)} HTTP/1.1\r\nHost: x\r\n${hostileText(random, 4000)}\r\nConnection: close\r\n\r\n`;
          const { reply } = await rawExchange(ports.get(leader)!, [garbage], { timeoutMs: 12_000 }).catch(() => ({ reply: '' }));
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
          if (status >= 500 && status !== 503 && status !== 501) failures.push(`raw ${JSON.stringify(garbage.slice(0, 200))}: ${reply.slice(0, 200)}`);
          continue;
        }
        const call = fuzzRequest(random, leader, members);
        const from = performance.now();
        try {
          const answer = await send(call);
          requests.add({ item: call, from, to: performance.now() });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (!acceptable(answer)) failures.push(`${call.method} ${call.path.slice(0, 200)} ${JSON.stringify(call.headers).slice(0, 200)} ${call.body?.slice(0, 200) ?? ''} -> ${answer.status} ${answer.body.slice(0, 300)}`);
        } catch (error) {
          // node:http closes the connection on a request it will not parse (a header over 16 KB: 431).
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
          if (!/socket hang up|ECONNRESET|EPIPE/.test((error as Error).message)) failures.push(`${call.method} ${call.path.slice(0, 200)}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const latencies = (await Promise.all(probers.map((p) => p.stop()))).flat().map((p) => p.item);
    const leaseSeen = await lease.stop();
    const stalls = await confirmedStalls(requests.suspects());
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `REST fuzz: ${sent} requests (${raw} raw) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
        `/liveness probes ${latencies.length}, slowest ${Math.round(Math.max(...latencies))} ms, over ${STALL_MS} ms ${latencies.filter((ms) => ms > STALL_MS).length}; ` +
        `leader_until lowest ${leaseSeen.lowest} s over ${leaseSeen.samples} samples`,
    );
    expect(failures).toEqual([]);
    for (const member of cluster.members) expect(member.agent?.child.exitCode, `${member.name} exited\n${cluster.logs().slice(-4000)}`).toBeNull();
    expect(stalls, `probe latencies over ${STALL_MS} ms: ${latencies.filter((ms) => ms > STALL_MS).map(Math.round).join(' ')}`).toEqual([]);
    expect(leaseSeen.lost).toBe(0);
    // ttl 10 s, renewed every loop_wait (2 s): a leader that stopped renewing would fall to 0 within 10 s.
    expect(leaseSeen.lowest).toBeGreaterThan(4);
  }, 240_000 * FUZZ_SCALE);
});
