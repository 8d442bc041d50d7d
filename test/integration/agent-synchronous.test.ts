// Synchronous replication on a real cluster: the leader names its synchronous standby in
// synchronous_standby_names and in the sync key (as patronictl shows it), only that standby is
// promoted when the primary dies, and no acknowledged write is lost; strict mode blocks commits
// when no standby is left; quorum mode waits for any one of two standbys.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dcsLayout } from '../../agent/contract/dcs-layout.js';
import { EtcdGatewayKv } from '../../agent/dcs/etcd-gateway-kv.js';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { onClusterUnderLoad } from '../helpers/cluster-under-load.js';

const SCENARIO_MS = 180_000;
const TTL_MS = 10_000;

async function sql<T>(cluster: AgentCluster, member: string, text: string, timeoutMs = 5000): Promise<T[]> {
  const client = new pg.Client({ host: '127.0.0.1', port: cluster.member(member).pgPort, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function standbyNames(cluster: AgentCluster, member: string): Promise<string | undefined> {
  return (await sql<{ names: string }>(cluster, member, "SELECT current_setting('synchronous_standby_names') AS names"))[0]?.names;
}

async function syncKey(cluster: AgentCluster): Promise<Record<string, unknown> | undefined> {
  const kv = new EtcdGatewayKv({ hosts: [cluster.etcd.endpoint], protocol: 'http' });
  try {
    const key = dcsLayout('/service', cluster.scope).sync;
    const found = (await kv.range(key, 3000)).kvs.find((entry) => entry.key === key);
    return found ? (JSON.parse(found.value) as Record<string, unknown>) : undefined;
  } finally {
    await kv.close();
  }
}

/** The members GET /cluster reports in the role, once there are `count` of them. */
async function standbysIn(cluster: AgentCluster, primary: string, role: string, count: number): Promise<string[]> {
  let found: string[] = [];
  await waitFor(`${count} ${role}`, async () => {
    const document = JSON.parse((await cluster.api(primary, '/cluster')).body) as { members: { name: string; role: string }[] };
    found = document.members.filter((m) => m.role === role).map((m) => m.name);
    return found.length === count;
  }, 30_000, 250);
  return found;
}

describe('synchronous replication', () => {
  it('promotes only the synchronous standby when the primary dies, and loses no acknowledged write', () =>
    onClusterUnderLoad({ dcs: { synchronous_mode: true } }, async (load) => {
      const { cluster, primary } = load;
      const [standby] = await standbysIn(cluster, primary, 'sync_standby', 1);
      expect(await standbyNames(cluster, primary)).toBe(standby);
      expect(await syncKey(cluster)).toEqual({ leader: primary, sync_standby: standby });
      const config = join(cluster.root, 'patronictl.yaml');
      writeFileSync(config, `scope: ${cluster.scope}\nnamespace: /service\netcd3:\n  hosts: ${cluster.etcd.endpoint}\n`);
      const list = JSON.parse((await promisify(execFile)('patronictl', ['-c', config, 'list', '--format', 'json'], { encoding: 'utf8', timeout: 60_000 })).stdout) as {
        Member: string;
        Role: string;
      }[];
      expect(list.find((m) => m.Member === standby)?.Role).toBe('Sync Standby');

      const killedAt = Date.now();
      await cluster.kill(primary);
      const next = await cluster.waitForPrimary(TTL_MS + 20_000, primary);
      expect(next).toBe(standby);
      await load.waitForWritesOn(next, killedAt, 20_000);
      expect(await load.finish(next)).toEqual([]);
    }),
  SCENARIO_MS);

  it('in strict mode, blocks commits when no standby is left, and goes on once one is back', async () => {
    const cluster = await AgentCluster.start({ dcs: { synchronous_mode: true, synchronous_mode_strict: true } });
    try {
      const primary = await cluster.waitForPrimary(60_000);
      await cluster.waitForReplicas(primary, 60_000);
      await standbysIn(cluster, primary, 'sync_standby', 1);
      await sql(cluster, primary, 'CREATE TABLE strict_writes (id int)');
      const replicas = cluster.members.filter((m) => m.name !== primary);
      for (const replica of replicas) await replica.agent?.stop(30_000);
      await waitFor('synchronous_standby_names to be *', async () => (await standbyNames(cluster, primary)) === '*', 20_000, 250);
      await expect(sql(cluster, primary, 'INSERT INTO strict_writes VALUES (1)', 3000)).rejects.toThrow(/timeout/i);
      await cluster.startAgent(replicas[0]!.name);
      await waitFor('a write to be acknowledged again', () => sql(cluster, primary, 'INSERT INTO strict_writes VALUES (2)', 3000).then(() => true), 60_000, 500);
    } catch (error) {
      throw new Error(`${String(error)}\n${cluster.logs()}`);
    } finally {
      await cluster.stop();
    }
  }, SCENARIO_MS);

  it('in quorum mode with two standbys, waits for any one of them and asks for one vote', async () => {
    const cluster = await AgentCluster.start({ dcs: { synchronous_mode: 'quorum' } });
    try {
      const primary = await cluster.waitForPrimary(60_000);
      await cluster.waitForReplicas(primary, 60_000);
      const standbys = (await standbysIn(cluster, primary, 'quorum_standby', 2)).sort();
      // The leader gets there one safe step at a time (ANY 2 of them may come first).
      await waitFor('ANY 1 of both standbys', async () => (await standbyNames(cluster, primary)) === `ANY 1 (${standbys.join(',')})`, 20_000, 250);
      await waitFor('the sync key to ask for one vote', async () => (await syncKey(cluster))?.quorum === 1, 20_000, 250);
      expect(await syncKey(cluster)).toEqual({ leader: primary, sync_standby: standbys.join(','), quorum: 1 });
    } catch (error) {
      throw new Error(`${String(error)}\n${cluster.logs()}`);
    } finally {
      await cluster.stop();
    }
  }, SCENARIO_MS);
});
