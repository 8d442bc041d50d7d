// Operator actions on a real cluster: switchover (now and scheduled) under a writer, dynamic
// configuration changes through PATCH /config, and Debian's patronictl against pgha.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { startClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { longestGap } from '../helpers/writer.js';

const SCENARIO_MS = 180_000;

let load: ClusterUnderLoad | undefined;
let plain: AgentCluster | undefined;

afterEach(async () => {
  await load?.stop();
  await plain?.stop();
  load = undefined;
  plain = undefined;
}, 60_000);

/** A fresh cluster with a primary and two streaming replicas (stopped after the test). */
async function steadyCluster(): Promise<AgentCluster> {
  plain = await AgentCluster.start();
  const cluster = plain;
  await cluster.withLogs(async () => cluster.waitForReplicas(await cluster.waitForPrimary(60_000), 60_000));
  return cluster;
}

async function sql<T extends pg.QueryResultRow>(port: number, text: string): Promise<T[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('operations', () => {
  it('switches over to a named candidate with no acknowledged write lost, and at a scheduled time', async () => {
    load = await startClusterUnderLoad();
    const { cluster, primary } = load;
    const candidate = cluster.members.find((m) => m.name !== primary)!.name;
    await cluster.withLogs(async () => {
      const startedAt = Date.now();
      const answer = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }), headers: { 'content-type': 'application/json' } });
      expect(answer).toEqual({ status: 200, body: `Successfully switched over to "${candidate}"` });
      expect(await cluster.waitForPrimary(10_000)).toBe(candidate);
      await load!.waitForWritesOn(candidate, startedAt, 20_000);
      console.log(`switchover: writes stopped for ${longestGap(load!.writer.acks, startedAt)} ms`);
      await cluster.waitForReplicas(candidate, 60_000);

      const at = new Date(Date.now() + 6000).toISOString();
      const scheduled = await cluster.api(candidate, '/switchover', { method: 'POST', body: JSON.stringify({ leader: candidate, candidate: primary, scheduled_at: at }) });
      expect(scheduled).toEqual({ status: 202, body: 'Switchover scheduled' });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await cluster.primaries()).toEqual([candidate]);
      await waitFor('the scheduled switchover', async () => (await cluster.primaries()).join() === primary, 20_000, 200);
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at) - 2000);
      const lost = await load!.finish(primary);
      expect(lost).toEqual([]);
    });
  }, SCENARIO_MS);

  it('applies PATCH /config on every member, and shows a restart-only change as pending', async () => {
    const cluster = await steadyCluster();
    await cluster.withLogs(async () => {
      const primary = await cluster.waitForPrimary(1000);
      const refused = await cluster.api(primary, '/config', { method: 'PATCH', body: JSON.stringify({ loop_wait: 3 }) });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('loop_wait (3) + 2 * retry_timeout (4) = 11 exceeds ttl (10)');
      const patch = { loop_wait: 1, postgresql: { parameters: { work_mem: '8MB', max_connections: 60 } } };
      const answer = await cluster.api(primary, '/config', { method: 'PATCH', body: JSON.stringify(patch) });
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject(patch);
      for (const member of cluster.members) {
        await waitFor(`${member.name} to apply work_mem`, async () => (await sql<{ work_mem: string }>(member.pgPort, 'SHOW work_mem'))[0]?.work_mem === '8MB', 20_000, 250);
        await waitFor(`${member.name} to report pending_restart`, async () => (await cluster.status(member.name))?.pending_restart === true, 20_000, 250);
      }
      expect(JSON.parse((await cluster.api(primary, '/config')).body)).toMatchObject({ loop_wait: 1 });
    });
  }, SCENARIO_MS);

  it("is driven by Debian's patronictl: list and switchover --force", async () => {
    const cluster = await steadyCluster();
    await cluster.withLogs(async () => {
      const primary = await cluster.waitForPrimary(1000);
      const config = join(cluster.root, 'patronictl.yaml');
      writeFileSync(config, `scope: ${cluster.scope}\nnamespace: /service\netcd3:\n  hosts: ${cluster.etcd.endpoint}\n`);
      // Asynchronously: the agents' etcd proxies run in this process and must keep forwarding meanwhile.
      const patronictl = async (...args: string[]): Promise<string> =>
        (await promisify(execFile)('patronictl', ['-c', config, ...args], { encoding: 'utf8', timeout: 60_000 })).stdout;
      // Debian's patronictl is 3.0.2: it shows a replica's state (running), not its replication state.
      const list = JSON.parse(await patronictl('list', '--format', 'json')) as { Member: string; Role: string; State: string; 'Lag in MB': number }[];
      expect(list.map((m) => [m.Member, m.Role]).sort()).toEqual(cluster.members.map((m) => [m.name, m.name === primary ? 'Leader' : 'Replica']).sort());
      expect(list.filter((m) => m.Role === 'Replica').every((m) => m['Lag in MB'] === 0 && m.State === 'running'), JSON.stringify(list)).toBe(true);
      const candidate = cluster.members.find((m) => m.name !== primary)!.name;
      const output = await patronictl('switchover', '--force', '--leader', primary, '--candidate', candidate);
      expect(output).toContain(`Successfully switched over to "${candidate}"`);
      expect(await cluster.waitForPrimary(20_000)).toBe(candidate);
    });
  }, SCENARIO_MS);
});
