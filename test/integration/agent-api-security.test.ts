// The agents' REST API as pgha apply sets it up, on real agents: HTTPS with a certificate per
// member from the cluster CA, Basic auth on every mutating request, JSON only; peers, HAProxy,
// pgha's own client and Debian's patronictl all work against it over HTTPS with the CA.
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secrets } from '../../cli/desired/secrets.js';
import { opensslIssuer } from '../../cli/pki/openssl-issuer.js';
import { agentApiClient } from '../../cli/transport/agent-api-client.js';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { startHaproxy, type Haproxy } from '../helpers/haproxy.js';

const SCENARIO_MS = 180_000;

let cluster: AgentCluster;
let haproxy: Haproxy | undefined;

beforeAll(async () => {
  cluster = await AgentCluster.start({ securedApi: true });
  try {
    await cluster.waitForReplicas(await cluster.waitForPrimary(60_000), 60_000);
  } catch (error) {
    throw new Error(`${String(error)}\n${cluster.logs()}`);
  }
}, SCENARIO_MS);

afterAll(async () => {
  await haproxy?.stop();
  await cluster?.stop();
}, 60_000);

async function withLogs<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`${String(error)}\n${cluster.logs()}`);
  }
}

/** One request as any client could send it: over HTTPS with the CA, or over plain HTTP; no credentials unless given. */
function raw(port: number, options: { https: boolean; method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = options.https ? httpsRequest : httpRequest;
    const request = send(
      { host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers ?? {}, ...(options.https && { ca: cluster.apiSecurity!.ca.cert }), timeout: 5000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.end(options.body);
  });
}

const basic = (): string => `Basic ${Buffer.from(`${cluster.apiSecurity!.auth.username}:${cluster.apiSecurity!.auth.password}`).toString('base64')}`;

describe("the agents' REST API, secured", () => {
  it('serves HTTPS only, and publishes https api_urls', async () => {
    const port = cluster.members[0]!.apiPort;
    await expect(raw(port, { https: false, method: 'GET', path: '/patroni' })).rejects.toThrow();
    const members = JSON.parse((await cluster.api('pg1', '/cluster')).body) as { members: { api_url: string }[] };
    expect(members.members.map((m) => new URL(m.api_url).protocol)).toEqual(['https:', 'https:', 'https:']);
  });

  it('answers GETs without credentials, as Patroni does', async () => {
    expect((await raw(cluster.members[0]!.apiPort, { https: true, method: 'GET', path: '/health' })).status).toBe(200);
  });

  it('refuses PATCH /config without credentials (401), and a text/plain POST with them (415)', async () => {
    const port = cluster.members[0]!.apiPort;
    const patch = await raw(port, { https: true, method: 'PATCH', path: '/config', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ postgresql: { parameters: { archive_command: 'touch /tmp/owned' } } }) });
    expect(patch).toEqual({ status: 401, body: 'no auth header received' });
    const restart = await raw(port, { https: true, method: 'POST', path: '/restart', headers: { 'content-type': 'text/plain', authorization: basic() }, body: '{}' });
    expect(restart).toEqual({ status: 415, body: 'Content-Type must be application/json, not "text/plain"' });
  });

  it("takes pgha's PATCH /config over HTTPS with the credentials, and pgha sends none over plain HTTP", async () => {
    const access = { https: true, username: cluster.apiSecurity!.auth.username, password: { env: 'P' }, passwordSource: 'the test', ca: cluster.apiSecurity!.ca.cert };
    const client = agentApiClient(access, new Secrets({ specDirectory: cluster.root, env: { P: cluster.apiSecurity!.auth.password } }));
    const port = cluster.members[0]!.apiPort;
    const answer = await client.call(`https://127.0.0.1:${port}/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ postgresql: { parameters: { work_mem: '8MB' } } }), timeoutMs: 5000 });
    expect(answer.status).toBe(200);
    await expect(client.call(`http://127.0.0.1:${port}/config`, { method: 'PATCH', body: '{}', timeoutMs: 5000 })).rejects.toThrow(/pgha sends its credentials only over HTTPS/);
  });

  it('switches over through the REST API, the agents asking each other over HTTPS, with HAProxy checking them over TLS', async () => {
    await withLogs(async () => {
      haproxy = await cluster.startHaproxy();
      const primary = await cluster.waitForPrimary(5000);
      const viaHaproxy = async (): Promise<boolean> => {
        const client = new pg.Client({ host: '127.0.0.1', port: haproxy!.port, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password, connectionTimeoutMillis: 2000 });
        try {
          await client.connect();
          return (await client.query<{ r: boolean }>('SELECT NOT pg_is_in_recovery() AS r')).rows[0]!.r;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      };
      await waitFor('HAProxy to route to the primary', viaHaproxy, 20_000, 250);
      const candidate = cluster.members.find((m) => m.name !== primary)!.name;
      const answer = await cluster.api(primary, '/switchover', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ leader: primary, candidate }) });
      expect(answer.status, answer.body).toBe(200);
      expect(await cluster.waitForPrimary(30_000, primary)).toBe(candidate);
      await waitFor('HAProxy to route to the new primary', viaHaproxy, 20_000, 250);
    });
  }, SCENARIO_MS);

  it("has HAProxy route nowhere when the agents' certificates do not verify with its CA", async () => {
    const otherCa = join(cluster.root, 'other-ca.crt');
    writeFileSync(otherCa, (await opensslIssuer.createAuthority('other')).cert);
    const doubting = await startHaproxy(cluster.members.map((m) => ({ name: m.name, postgresPort: m.pgPort, apiPort: m.apiPort })), otherCa);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const client = new pg.Client({ host: '127.0.0.1', port: doubting.port, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password, connectionTimeoutMillis: 2000 });
      await expect(client.connect()).rejects.toThrow();
      await client.end().catch(() => undefined);
    } finally {
      await doubting.stop();
    }
  }, SCENARIO_MS);

  it("is driven by Debian's patronictl with the CA in its ctl section: list and switchover --force", async () => {
    await withLogs(async () => {
      const primary = await cluster.waitForPrimary(30_000);
      await cluster.waitForReplicas(primary, 60_000);
      const config = join(cluster.root, 'patronictl.yaml');
      const caFile = join(cluster.root, 'patronictl-ca.crt');
      writeFileSync(caFile, cluster.apiSecurity!.ca.cert);
      writeFileSync(config, stringify({ scope: cluster.scope, namespace: '/service', etcd3: { hosts: cluster.etcd.endpoint }, ctl: { cacert: caFile }, restapi: { authentication: cluster.apiSecurity!.auth } }));
      // patronictl 3.0 takes the credentials from restapi.authentication only (later versions from ctl.authentication too).
      // Asynchronously: the agents' etcd proxies run in this process and must keep forwarding meanwhile.
      const patronictl = async (...args: string[]): Promise<string> => (await promisify(execFile)('patronictl', ['-c', config, ...args], { encoding: 'utf8', timeout: 60_000 })).stdout;
      const list = JSON.parse(await patronictl('list', '--format', 'json')) as { Member: string; Role: string; State: string }[];
      expect(list.map((m) => [m.Member, m.Role]).sort()).toEqual(cluster.members.map((m) => [m.name, m.name === primary ? 'Leader' : 'Replica']).sort());
      const candidate = cluster.members.find((m) => m.name !== primary)!.name;
      const output = await patronictl('switchover', '--force', '--leader', primary, '--candidate', candidate);
      expect(output, output).toContain(`Successfully switched over to "${candidate}"`);
      expect(await cluster.waitForPrimary(30_000, primary)).toBe(candidate);
    });
  }, SCENARIO_MS);
});
