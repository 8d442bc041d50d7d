// The REST API server over real HTTP on loopback: pg1 (the primary, with Basic auth) and pg2 (a
// replica) serve from fake NodeStates; the DCS is an in-memory etcd shared by all three members.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiContext } from '../../agent/api/api-context.js';
import { startApiServer, type ApiServer } from '../../agent/api/api-server.js';
import { failsafeConfirmationsOver } from '../../agent/api/failsafe-confirmations.js';
import { createPeerClient, createPeerExchange } from '../../agent/api/peer-client.js';
import { FakeAgent, FakeCluster, INITIAL_CONFIG, testClock } from '../helpers/api-fake-agent.js';
import { basicAuth, http, rawExchange } from '../helpers/api-http.js';
import { primaryState, replicaState } from '../helpers/api-node-state.js';

const AUTH = basicAuth('admin', 's3cret');

interface Setup {
  cluster: FakeCluster;
  primary: FakeAgent;
  replica: FakeAgent;
  pg1: ApiServer;
  pg2: ApiServer;
}

interface SetupOptions {
  switchoverWait?: ApiContext['switchoverWait'];
  /** Wraps pg1's DCS, to interleave another writer. */
  wrapDcs?: (dcs: ApiContext['dcs'], cluster: FakeCluster) => ApiContext['dcs'];
}

async function setUp(options: SetupOptions = {}): Promise<Setup> {
  const clock = testClock();
  const cluster = new FakeCluster(clock);
  const pg1Dcs = cluster.member('pg1');
  const primary = new FakeAgent(primaryState(), options.wrapDcs ? options.wrapDcs(pg1Dcs, cluster) : pg1Dcs, clock, options.switchoverWait ?? { pollMs: 50, timeoutMs: 5000 });
  const replica = new FakeAgent(replicaState(), cluster.member('pg2'), clock);
  const pg1 = await startApiServer(primary.context, { host: '127.0.0.1', port: 0, auth: { username: 'admin', password: 's3cret' }, requestTimeoutMs: 500 });
  const pg2 = await startApiServer(replica.context, { host: '127.0.0.1', port: 0 });
  await cluster.bootstrap({ pg1: `${pg1.url}/patroni`, pg2: `${pg2.url}/patroni` });
  return { cluster, primary, replica, pg1, pg2 };
}

/** Polls `condition` every 10 ms, for at most 3 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 3 s');
}

let env: Setup;

async function tearDown(): Promise<void> {
  await Promise.all([env.pg1.close(), env.pg2.close()]);
  await env.cluster.close();
}

const post = (path: string, body?: unknown, headers: Record<string, string> = AUTH) => http(`${env.pg1.url}${path}`, { method: 'POST', headers, body });

describe('REST API server: reads', () => {
  beforeEach(async () => (env = await setUp()));
  afterEach(tearDown);

  it('serves /patroni and every health check with the status document as JSON', async () => {
    const status = await http(`${env.pg1.url}/patroni`);
    expect(status).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(status.body)).toMatchObject({ state: 'running', role: 'primary', patroni: { version: '4.1.4', scope: 'lab', name: 'pg1' } });
    expect(status.headers['content-length']).toBe(String(Buffer.byteLength(status.body)));
    for (const [path, code] of [
      ['/', 200],
      ['/primary', 200],
      ['/master', 200],
      ['/replica', 503],
      ['/nonexistent', 503],
    ] as const) {
      const answer = await http(`${env.pg1.url}${path}`);
      expect([path, answer.status, JSON.parse(answer.body).role]).toEqual([path, code, 'primary']);
    }
    expect((await http(`${env.pg2.url}/replica?lag=1MB`)).status).toBe(200);
  });

  it('answers HEAD and OPTIONS with the status only', async () => {
    for (const method of ['HEAD', 'OPTIONS']) {
      expect(await http(`${env.pg1.url}/`, { method })).toMatchObject({ status: 200, body: '' });
      expect(await http(`${env.pg2.url}/`, { method })).toMatchObject({ status: 503, body: '' });
      expect(await http(`${env.pg1.url}/patroni`, { method })).toMatchObject({ status: 503, body: '' });
    }
  });

  it('answers /liveness and /readiness with the status only', async () => {
    expect(await http(`${env.pg1.url}/liveness`)).toMatchObject({ status: 200, body: '' });
    expect(await http(`${env.pg2.url}/readiness`)).toMatchObject({ status: 200, body: '' });
  });

  it('serves /cluster from etcd, /history and /config', async () => {
    const cluster = JSON.parse((await http(`${env.pg2.url}/cluster`)).body);
    expect(cluster.scope).toBe('lab');
    expect(cluster.members.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual(['pg1:leader', 'pg2:replica', 'pg3:replica']);
    expect(cluster.members[0].api_url).toBe(`${env.pg1.url}/patroni`);
    expect(await http(`${env.pg1.url}/history`)).toMatchObject({ status: 200, body: '[]' });
    expect(JSON.parse((await http(`${env.pg1.url}/config`)).body)).toEqual({ ttl: 10, loop_wait: 2, retry_timeout: 4 });
  });

  it('reads /config from etcd when the loop has no fresh view, and answers 502 without one', async () => {
    env.primary.template = primaryState({ clusterReadAt: undefined });
    expect(JSON.parse((await http(`${env.pg1.url}/config`)).body)).toEqual(INITIAL_CONFIG);
    env.replica.template = replicaState({ clusterReadAt: undefined });
    await env.cluster.member('pg2').writeConfig({});
    expect(await http(`${env.pg2.url}/config`)).toMatchObject({ status: 200, body: '{}' });
  });

  it('serves /metrics as Prometheus text', async () => {
    const metrics = await http(`${env.pg1.url}/metrics`);
    expect(metrics).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
    expect(metrics.body).toContain('patroni_primary{scope="lab",name="pg1"} 1\n');
  });

  it('answers 502 for GET /failsafe while failsafe mode is off', async () => {
    expect((await http(`${env.pg1.url}/failsafe`)).status).toBe(502);
  });

  it("confirms a primary over POST /failsafe with its WAL position, unless failsafe mode is off or it runs a primary itself; the primary's client reads that", async () => {
    const call = { name: 'pg1', conn_url: 'postgres://127.0.0.1:5432/postgres', api_url: `${env.pg1.url}/patroni` };
    const json = { 'content-type': 'application/json' };
    const answer = await http(`${env.pg2.url}/failsafe`, { method: 'POST', headers: json, body: call });
    expect(answer).toMatchObject({ status: 200, body: 'Accepted', headers: { lsn: '0' } });
    expect(env.replica.failsafeCalls).toEqual([call]);
    expect(await http(`${env.pg2.url}/failsafe`, { method: 'POST', headers: json, body: { ...call, api_url: 7 } })).toMatchObject({ status: 400, body: 'api_url must be a non-empty string' });
    expect(await http(`${env.pg2.url}/failsafe`, { method: 'POST', headers: json, body: { ...call, slots: { pg2: 'x' } } })).toMatchObject({ status: 400, body: 'slots must map slot names to WAL positions' });
    expect((await http(`${env.pg1.url}/failsafe`, { method: 'POST', headers: json, body: call })).status).toBe(401);

    const confirmations = failsafeConfirmationsOver(createPeerExchange({ timeoutMs: 500 }));
    const members = [
      { name: 'pg2', apiUrl: `${env.pg2.url}/patroni` },
      { name: 'pg9', apiUrl: 'http://127.0.0.1:9/patroni' },
    ];
    expect(await confirmations.ask(members, call, 500)).toEqual([
      { name: 'pg2', accepted: true },
      { name: 'pg9', accepted: false, refusal: 'no answer' },
    ]);
    env.replica.failsafeVerdict = { kind: 'off' };
    expect(await confirmations.ask(members.slice(0, 1), call, 500)).toEqual([{ name: 'pg2', accepted: false, refusal: '502 failsafe mode is not enabled' }]);
    env.replica.failsafeVerdict = { kind: 'running-as-leader' };
    expect(await confirmations.ask(members.slice(0, 1), call, 500)).toEqual([{ name: 'pg2', accepted: false, refusal: '500 Running as a leader' }]);
  });

  it('falls back to the loop view for /cluster, and answers 503 to writes, while etcd is unreachable', async () => {
    env.cluster.clients.get('pg1')!.reachable = false;
    expect((await http(`${env.pg1.url}/cluster`)).status).toBe(200);
    const patch = await http(`${env.pg1.url}/config`, { method: 'PATCH', headers: AUTH, body: { ttl: 20 } });
    expect(patch.status).toBe(503);
    expect(patch.body).toMatch(/^cannot read the cluster from etcd: /);
  });
});

describe('REST API server: what clients send', () => {
  beforeEach(async () => (env = await setUp()));
  afterEach(tearDown);

  it('answers 501 to methods and paths it has no handler for, before asking for credentials', async () => {
    for (const [method, path] of [
      ['POST', '/nonexistent'],
      ['DELETE', '/config'],
      ['PUT', '/patroni'],
      ['PATCH', '/__proto__'],
    ]) {
      expect(await http(`${env.pg1.url}${path}`, { method })).toMatchObject({ status: 501, body: `Unsupported method ('${method}')` });
    }
  });

  it('asks for Basic credentials on writes only', async () => {
    const missing = await post('/reload', undefined, {});
    expect(missing).toMatchObject({ status: 401, body: 'no auth header received', headers: { 'www-authenticate': 'Basic realm="Patroni"' } });
    expect(await post('/reload', undefined, basicAuth('admin', 'wrong'))).toMatchObject({ status: 401, body: 'not authenticated' });
    expect(await post('/reload')).toMatchObject({ status: 202, body: 'reload scheduled', headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(env.primary.reloads).toBe(1);
    expect((await http(`${env.pg1.url}/patroni`)).status).toBe(200);
    expect((await http(`${env.pg2.url}/reload`, { method: 'POST' })).status).toBe(202);
  });

  it.each<[string, Parameters<typeof http>[1], number, string]>([
    ['no Content-Length', { body: '{"leader":"pg1"}', chunked: true }, 411, 'this request needs a JSON body with a Content-Length header'],
    ['an empty body', { body: '' }, 400, 'the request body is empty; send a JSON object'],
    ['broken JSON', { body: '{"leader":' }, 400, 'the request body is not valid JSON: '],
    ['a JSON array', { body: [1, 2] }, 400, 'the request body must be a JSON object'],
    ['an empty object', { body: {} }, 400, 'the request body is an empty JSON object'],
    ['a body past 64 KiB', { body: { pad: 'x'.repeat(70_000) } }, 413, 'the request body is larger than 65536 bytes'],
  ])('refuses a switchover with %s', async (_what, call, status, message) => {
    const answer = await http(`${env.pg1.url}/switchover`, { method: 'POST', headers: AUTH, ...call });
    expect(answer.status).toBe(status);
    expect(answer.body.startsWith(message)).toBe(true);
  });

  it('reads an optional body as {} when there is none', async () => {
    expect(await http(`${env.pg1.url}/restart`, { method: 'POST', headers: AUTH, body: '{"role":"replica"}', chunked: true })).toMatchObject({ status: 200 });
    expect(env.primary.restarts).toEqual([{}]);
  });

  it('answers garbage with 400 and closes, and keeps serving', async () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256));
    const answers = await Promise.all(Array.from({ length: 20 }, () => rawExchange(env.pg1.port, [garbage])));
    for (const { reply } of answers) expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    const invalidLength = await rawExchange(env.pg1.port, ['POST /reload HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n']);
    expect(invalidLength.reply).toMatch(/^HTTP\/1\.1 400 /);
    const hugeHeader = await rawExchange(env.pg1.port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(hugeHeader.reply).toMatch(/^HTTP\/1\.1 431 /);
    expect((await http(`${env.pg1.url}/patroni`)).status).toBe(200);
  });

  it('refuses a huge declared body at once, without waiting for it', async () => {
    const { reply, closedAfterMs } = await rawExchange(env.pg1.port, [`PATCH /config HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\nContent-Length: 1000000000000\r\n\r\n{`]);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(closedAfterMs).toBeLessThan(1000);
  });

  it('cuts off clients that send their headers or body too slowly', async () => {
    const slowHeaders = await rawExchange(env.pg1.port, ['GET /patroni HTTP/1.1\r\n', 'Host: x\r\n'], { pauseMs: 3000 });
    expect(slowHeaders.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.closedAfterMs).toBeLessThan(2500);
    const slowBody = await rawExchange(env.pg1.port, [`PATCH /config HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\nContent-Length: 100\r\n\r\n{"ttl":`], {});
    expect(slowBody.closedAfterMs).toBeLessThan(2500);
    expect((await http(`${env.pg1.url}/patroni`)).status).toBe(200);
  });
});

describe('REST API server: switchover and failover', () => {
  afterEach(tearDown);

  const failoverKey = async () => (await env.cluster.member('pg3').readCluster()).failover?.value;

  it('writes the failover key and answers once another member holds the leader key', async () => {
    env = await setUp();
    const answer = post('/switchover', { leader: 'pg1', candidate: 'pg2' });
    await until(async () => (await failoverKey())?.member === 'pg2');
    expect(await failoverKey()).toEqual({ leader: 'pg1', member: 'pg2' });
    expect(env.primary.wakes).toBe(1);
    await env.cluster.handOver('pg1', 'pg2');
    expect(await answer).toMatchObject({ status: 200, body: 'Successfully switched over to "pg2"' });
  });

  it('says so when another member than the candidate took over', async () => {
    env = await setUp();
    const answer = post('/switchover', { leader: 'pg1', member: 'pg2' });
    await until(async () => (await failoverKey()) !== undefined);
    await env.cluster.handOver('pg1', 'pg3');
    expect(await answer).toMatchObject({ status: 200, body: 'Switched over to "pg3" instead of "pg2"' });
  });

  it('fails over to a candidate, asking it first', async () => {
    env = await setUp();
    const answer = post('/failover', { candidate: 'pg2' });
    await until(async () => (await failoverKey())?.member === 'pg2');
    expect(await failoverKey()).toEqual({ member: 'pg2' });
    await env.cluster.handOver('pg1', 'pg2');
    expect(await answer).toMatchObject({ status: 200, body: 'Successfully failed over to "pg2"' });
  });

  it('reports failure when the request is dropped, and an unknown status when nothing happens in time', async () => {
    env = await setUp({ switchoverWait: { pollMs: 50, timeoutMs: 400 } });
    const dropped = post('/switchover', { leader: 'pg1' });
    await until(async () => (await failoverKey()) !== undefined);
    await env.cluster.member('pg1').writeFailover({});
    expect(await dropped).toMatchObject({ status: 503, body: 'Switchover failed' });
    const started = performance.now();
    expect(await post('/switchover', { leader: 'pg1', candidate: 'pg2' })).toMatchObject({ status: 503, body: 'Switchover status unknown' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['the named leader does not lead', { leader: 'pg2', candidate: 'pg3' }, 'leader name does not match'],
    ['the candidate is unknown', { leader: 'pg1', candidate: 'pg7' }, 'candidate does not exists'],
    ['the candidate does not answer', { leader: 'pg1', candidate: 'pg3' }, 'switchover is not possible: no good candidates have been found'],
  ])('refuses with 412 when %s, writing nothing', async (_what, body, message) => {
    env = await setUp();
    expect(await post('/switchover', body)).toMatchObject({ status: 412, body: message });
    expect(await failoverKey()).toBeUndefined();
  });

  it('refuses a bad request with 400', async () => {
    env = await setUp();
    expect(await post('/failover', { leader: 'pg1' })).toMatchObject({ status: 400, body: 'Failover could be performed only to a specific candidate' });
  });

  it('schedules a switchover, shows it in /cluster, and cancels it once', async () => {
    env = await setUp();
    const at = new Date(Date.now() + 3_600_000);
    at.setUTCMilliseconds(0);
    expect(await post('/switchover', { leader: 'pg1', candidate: 'pg2', scheduled_at: at.toISOString() })).toMatchObject({ status: 202, body: 'Switchover scheduled' });
    const stored = at.toISOString().replace('Z', '+00:00');
    expect(await failoverKey()).toEqual({ leader: 'pg1', member: 'pg2', scheduled_at: stored });
    expect(JSON.parse((await http(`${env.pg1.url}/cluster`)).body).scheduled_switchover).toEqual({ at: stored, from: 'pg1', to: 'pg2' });
    const cancel = () => http(`${env.pg1.url}/switchover`, { method: 'DELETE', headers: AUTH });
    expect(await cancel()).toMatchObject({ status: 200, body: 'scheduled switchover deleted' });
    expect(await failoverKey()).toEqual({});
    expect(await cancel()).toMatchObject({ status: 404, body: 'no switchover is scheduled' });
  });
});

describe('REST API server: configuration', () => {
  afterEach(tearDown);

  const patch = (body: unknown) => http(`${env.pg1.url}/config`, { method: 'PATCH', headers: AUTH, body });
  const storedConfig = async () => (await env.cluster.member('pg3').readCluster()).config?.value;

  it('merges a PATCH, deleting keys set to null, and wakes the loop', async () => {
    env = await setUp();
    const merged = { ttl: 20, loop_wait: 2, retry_timeout: 4, postgresql: { parameters: { max_connections: 100, shared_buffers: '1GB' } } };
    const answer = await patch({ ttl: 20, postgresql: { parameters: { work_mem: null, shared_buffers: '1GB' } } });
    expect(answer).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(answer.body)).toEqual(merged);
    expect(await storedConfig()).toEqual(merged);
    expect(env.primary.wakes).toBe(1);
  });

  it('refuses an invalid result with the reason, and writes nothing', async () => {
    env = await setUp();
    const answer = await patch({ loop_wait: 9, tll: 3 });
    expect(answer.status).toBe(400);
    expect(answer.body).toBe(
      'invalid configuration: unknown key "tll" at the top level; did you mean "ttl"?; loop_wait (9) + 2 * retry_timeout (4) = 17 exceeds ttl (10): ' +
        'the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout',
    );
    expect(await storedConfig()).toEqual(INITIAL_CONFIG);
  });

  it('answers 409 when another writer changed the key between read and write', async () => {
    env = await setUp({
      wrapDcs: (dcs, cluster) => ({
        readCluster: () => dcs.readCluster(),
        writeFailover: (record, revision) => dcs.writeFailover(record, revision),
        writeConfig: async (config, revision) => {
          await cluster.member('pg2').writeConfig({ ...INITIAL_CONFIG, ttl: 30 });
          return dcs.writeConfig(config, revision);
        },
      }),
    });
    expect(await patch({ ttl: 20 })).toMatchObject({ status: 409 });
    expect((await storedConfig())?.ttl).toBe(30);
  });

  it('refuses a PATCH whose If-Match names a revision the configuration has left, with 412, and writes nothing', async () => {
    env = await setUp();
    env.primary.template = primaryState({ clusterReadAt: undefined });
    const planned = (await http(`${env.pg1.url}/config`)).headers.etag;
    expect(planned).toMatch(/^"\d+"$/);
    const ifMatch = (etag: unknown, body: unknown) => http(`${env.pg1.url}/config`, { method: 'PATCH', headers: { ...AUTH, 'If-Match': String(etag) }, body });
    await env.cluster.member('pg2').writeConfig({ ...INITIAL_CONFIG, ttl: 30 });
    const stale = await ifMatch(planned, { ttl: 20 });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatch(/^the configuration is at revision \d+, not \d+; read it again$/);
    expect((await storedConfig())?.ttl).toBe(30);
    expect(await ifMatch('42', { ttl: 20 })).toMatchObject({ status: 400, body: 'If-Match must be one entity tag from GET /config, like "42", not "42"' });
    const current = (await http(`${env.pg1.url}/config`)).headers.etag;
    expect(current).not.toBe(planned);
    expect((await ifMatch(current, { ttl: 20 })).status).toBe(200);
    expect((await ifMatch('*', { loop_wait: 3 })).status).toBe(200);
    expect(await storedConfig()).toMatchObject({ ttl: 20, loop_wait: 3 });
  });

  it('answers 503 to a PATCH when the cluster has no configuration', async () => {
    env = await setUp();
    await env.cluster.store.client().txn([], [{ delete: { key: '/service/lab/config' } }], [], 1000);
    expect(await patch({ ttl: 20 })).toMatchObject({ status: 503, body: 'the cluster has no configuration in etcd' });
  });

  it('replaces the configuration with PUT, after the same checks', async () => {
    env = await setUp();
    const put = (body: unknown) => http(`${env.pg1.url}/config`, { method: 'PUT', headers: AUTH, body });
    expect(await put({ ttl: 30, loop_wait: 10, retry_timeout: 10 })).toMatchObject({ status: 200, body: '{"ttl":30,"loop_wait":10,"retry_timeout":10}' });
    expect(await storedConfig()).toEqual({ ttl: 30, loop_wait: 10, retry_timeout: 10 });
    expect((await put({ ttl: 'forever' })).status).toBe(400);
  });
});

describe('REST API server: restart, reinitialize', () => {
  beforeEach(async () => (env = await setUp()));
  afterEach(tearDown);

  it('restarts through the loop, checking conditions first', async () => {
    expect(await post('/restart', { restart_pending: true })).toMatchObject({ status: 503, body: 'restart conditions are not satisfied' });
    expect(env.primary.restarts).toEqual([]);
    expect(await post('/restart', { role: 'primary', timeout: 30 })).toMatchObject({ status: 200, body: 'restarted successfully' });
    expect(env.primary.restarts).toEqual([{ role: 'primary', timeout: 30 }]);
    env.primary.restartOutcome = { kind: 'busy', action: 'reinitialize' };
    expect(await post('/restart')).toMatchObject({ status: 503, body: 'reinitialize already in progress' });
    expect(await post('/restart', { when: 'now' })).toMatchObject({ status: 400, body: 'Unknown filter for the scheduled restart: "when"' });
  });

  it('schedules a restart and cancels it', async () => {
    env.primary.restartOutcome = { kind: 'scheduled' };
    const schedule = new Date(Date.now() + 60_000).toISOString();
    expect(await post('/restart', { schedule })).toMatchObject({ status: 202, body: 'Restart scheduled' });
    env.primary.scheduledRestart = true;
    const cancel = () => http(`${env.pg1.url}/restart`, { method: 'DELETE', headers: AUTH });
    expect(await cancel()).toMatchObject({ status: 200, body: 'scheduled restart deleted' });
    expect(await cancel()).toMatchObject({ status: 404, body: 'no restarts are scheduled' });
  });

  it('reinitializes a replica, never the leader', async () => {
    expect(await post('/reinitialize')).toMatchObject({ status: 503, body: 'I am the leader, can not reinitialize' });
    const replicaPost = (body?: unknown) => http(`${env.pg2.url}/reinitialize`, { method: 'POST', body });
    expect(await replicaPost({ force: 'yes', from_leader: true })).toMatchObject({ status: 200, body: 'reinitialize started' });
    expect(env.replica.reinitializations).toEqual([{ force: true, from: 'pg1' }]);
    env.replica.reinitializeOutcome = { kind: 'busy', action: 'reinitialize' };
    expect(await replicaPost()).toMatchObject({ status: 503, body: 'reinitialize already in progress' });
    await env.cluster.member('pg1').releaseLeader();
    expect(await replicaPost()).toMatchObject({ status: 503, body: 'Cluster has no leader, can not reinitialize' });
  });

  it('answers 500, and keeps serving, when an intent callback throws', async () => {
    env.replica.context.reinitialize = () => Promise.reject(new Error('boom'));
    expect(await http(`${env.pg2.url}/reinitialize`, { method: 'POST' })).toMatchObject({ status: 500, body: 'internal error; see the agent log' });
    expect((await http(`${env.pg2.url}/patroni`)).status).toBe(200);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('REST API server: TLS', () => {
  let dir: string;
  let pem: { cert: Buffer; key: Buffer };
  let cluster: FakeCluster;
  let server: ApiServer | undefined;
  const clock = testClock();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgha-api-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    pem = { cert: readFileSync(cert), key: readFileSync(key) };
    cluster = new FakeCluster(clock);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the given certificate, which the peer client verifies', async () => {
    const agent = new FakeAgent(primaryState(), cluster.member('pg1'), clock);
    server = await startApiServer(agent.context, { host: '127.0.0.1', port: 0, tls: pem });
    expect(server.url).toMatch(/^https:\/\//);
    expect(await createPeerClient({ ca: pem.cert })(`${server.url}/patroni`)).toMatchObject({ role: 'primary' });
    expect(await createPeerClient()(`${server.url}/patroni`)).toBeUndefined();
    expect(await createPeerClient()(`${server.url.replace('https:', 'http:')}/patroni`)).toBeUndefined();
  });

  it('serves plain HTTP too on the same port while a move to HTTPS is under way, credentials still required on writes', async () => {
    const agent = new FakeAgent(primaryState(), cluster.member('pg1'), clock);
    server = await startApiServer(agent.context, { host: '127.0.0.1', port: 0, tls: pem, plainHttpFallback: true, auth: { username: 'admin', password: 's3cret' }, requestTimeoutMs: 500 });
    const plainUrl = server.url.replace('https:', 'http:');
    for (let round = 0; round < 2; round++) {
      expect(await createPeerClient({ ca: pem.cert })(`${server.url}/patroni`)).toMatchObject({ role: 'primary' });
      expect(await createPeerClient()(`${plainUrl}/patroni`)).toMatchObject({ role: 'primary' });
    }
    expect((await http(`${plainUrl}/reload`, { method: 'POST' })).status).toBe(401);
    expect((await http(`${plainUrl}/reload`, { method: 'POST', headers: AUTH })).status).toBe(202);
    // A client that connects and sends nothing is dropped.
    const { port } = server;
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
      setTimeout(() => resolve(false), 3000);
    });
    expect(closed).toBe(true);
  });
});
