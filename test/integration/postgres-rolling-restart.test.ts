// The rolling restart of PostgreSQL that apply plans for a restart-only setting and that
// "pgha restart" runs, on three real agents on loopback: a raised max_connections restarts the
// replicas, then the leader hands over (its demotion restarts it) under a writer through HAProxy
// with no acknowledged write lost; a lowered one restarts the leader first, where it runs; a
// member's restart alone and --pending restart only what they name.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { clusterGate } from '../../cli/engine/cluster-gate.js';
import { restartPostgres, type PostgresRestartRequest, type RestartOutcome } from '../../cli/restart/postgres-restart.js';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';
import { startClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { loopbackClusterAccess } from '../helpers/loopback-cluster-access.js';
import { longestGap } from '../helpers/writer.js';

const SCENARIO_MS = 240_000;

let load: ClusterUnderLoad | undefined;

afterEach(async () => {
  await load?.stop();
  load = undefined;
}, 60_000);

async function showOn(port: number, setting: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return String((await client.query<Record<string, string>>(`SHOW ${setting}`)).rows[0]?.[setting]);
  } finally {
    await client.end();
  }
}

function restart(cluster: AgentCluster, request: Partial<PostgresRestartRequest>): Promise<RestartOutcome[]> {
  const spec = { hosts: cluster.members.map((m) => ({ name: m.name, roles: ['postgres'] })) } as unknown as ClusterSpec;
  const access = loopbackClusterAccess(cluster);
  const gate = clusterGate(spec, access, { etcdTimeoutMs: 30_000, clusterTimeoutMs: 60_000, pollMs: 250, now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, () => undefined);
  return restartPostgres(access, gate, { pendingOnly: false, awaitParameters: [], awaitMs: 30_000, leaderInPlace: false, ...request });
}

async function patchMaxConnections(cluster: AgentCluster, leader: string, value: number): Promise<void> {
  const answer = await cluster.api(leader, '/config', { method: 'PATCH', body: JSON.stringify({ postgresql: { parameters: { max_connections: value } } }) });
  expect(answer.status, answer.body).toBe(200);
}

async function expectEverywhere(cluster: AgentCluster, maxConnections: string): Promise<void> {
  for (const member of cluster.members) {
    expect(await showOn(member.pgPort, 'max_connections'), member.name).toBe(maxConnections);
    expect((await cluster.status(member.name))?.pending_restart, member.name).toBeUndefined();
  }
}

describe('the rolling restart of PostgreSQL', () => {
  it('restarts the replicas, then hands over once, for a raised max_connections, losing no acknowledged write', async () => {
    load = await startClusterUnderLoad();
    const { cluster, primary } = load;
    await cluster.withLogs(async () => {
      const before = Number(await showOn(cluster.member(primary).pgPort, 'max_connections'));
      await patchMaxConnections(cluster, primary, before + 50);
      const startedAt = Date.now();
      const outcomes = await restart(cluster, { awaitParameters: ['max_connections'] });
      const replicas = cluster.members.map((m) => m.name).filter((n) => n !== primary).sort();
      const leader = await cluster.waitForPrimary(10_000);
      expect(leader).not.toBe(primary);
      expect(outcomes).toEqual([
        ...replicas.map((member) => ({ member, outcome: 'restarted' })),
        { member: primary, outcome: `switched over to ${leader}` },
        { member: primary, outcome: 'restarted as a replica by the switchover' },
      ]);
      await cluster.waitForReplicas(leader, 30_000);
      await expectEverywhere(cluster, String(before + 50));
      console.log(`rolling restart for max_connections ${before} → ${before + 50}: ${((Date.now() - startedAt) / 1000).toFixed(1)} s, longest gap between writes ${longestGap(load!.writer.acks, startedAt)} ms`);
      expect(await load!.finish(leader)).toEqual([]);
    });
  }, SCENARIO_MS);

  it('restarts the leader first, where it runs, for a lowered max_connections, and then the replicas', async () => {
    load = await startClusterUnderLoad();
    const { cluster, primary } = load;
    await cluster.withLogs(async () => {
      const before = Number(await showOn(cluster.member(primary).pgPort, 'max_connections'));
      await patchMaxConnections(cluster, primary, before - 20);
      const startedAt = Date.now();
      const outcomes = await restart(cluster, { awaitParameters: ['max_connections'] });
      console.log(`rolling restart for max_connections ${before} → ${before - 20}, the leader first: ${((Date.now() - startedAt) / 1000).toFixed(1)} s, longest gap between writes ${longestGap(load!.writer.acks, startedAt)} ms`);
      const replicas = cluster.members.map((m) => m.name).filter((n) => n !== primary).sort();
      expect(outcomes).toEqual([{ member: primary, outcome: 'restarted where it leads (writes stopped until it was back)' }, ...replicas.map((member) => ({ member, outcome: 'restarted' }))]);
      expect(await cluster.waitForPrimary(10_000)).toBe(primary);
      await cluster.waitForReplicas(primary, 30_000);
      await expectEverywhere(cluster, String(before - 20));
      expect(await load!.finish(primary)).toEqual([]);
    });
  }, SCENARIO_MS);

  it('restarts one named replica only, and with pendingOnly nothing when nothing waits', async () => {
    load = await startClusterUnderLoad();
    const { cluster, primary } = load;
    await cluster.withLogs(async () => {
      const replica = cluster.members.find((m) => m.name !== primary)!.name;
      const started = async (name: string): Promise<unknown> => (await cluster.status(name))?.postmaster_start_time;
      const times = Object.fromEntries(await Promise.all(cluster.members.map(async (m) => [m.name, await started(m.name)] as const)));
      expect(await restart(cluster, { members: [replica] })).toEqual([{ member: replica, outcome: 'restarted' }]);
      for (const member of cluster.members) {
        if (member.name === replica) expect(await started(member.name)).not.toEqual(times[member.name]);
        else expect(await started(member.name)).toEqual(times[member.name]);
      }
      const nothing = await restart(cluster, { pendingOnly: true });
      expect(nothing.map((o) => o.outcome)).toEqual(cluster.members.map(() => 'not restarted: nothing waits for a restart there'));
      await waitFor('the cluster to stay as it was', async () => (await cluster.primaries()).join() === primary, 5000, 250);
    });
  }, SCENARIO_MS);
});
