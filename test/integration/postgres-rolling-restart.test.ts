// The rolling restart of PostgreSQL that apply plans for a restart-only setting and that
// "pgha restart" runs, on three real agents on loopback under a writer through HAProxy (no
// acknowledged write lost): a raised max_connections restarts the replicas, then the leader hands
// over (its demotion restarts it); a lowered one restarts the leader first, where it runs; a
// member's restart alone and pendingOnly restart only what they name.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { clusterGate } from '../../cli/engine/cluster-gate.js';
import { restartPostgres, type PostgresRestartRequest, type RestartOutcome } from '../../cli/restart/postgres-restart.js';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';
import { startClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { loopbackClusterAccess } from '../helpers/loopback-cluster-access.js';
import { longestGap } from '../helpers/writer.js';

const SCENARIO_MS = 300_000;

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
  it('raises max_connections with one switchover, lowers it leader first, restarts a named replica alone and nothing pending, losing no acknowledged write', async () => {
    load = await startClusterUnderLoad();
    const { cluster, primary } = load;
    const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s, longest gap between writes ${longestGap(load!.writer.acks, since)} ms`;
    await cluster.withLogs(async () => {
      // Raised: the replicas first, then the leader hands over and its demotion restarts it.
      const before = Number(await showOn(cluster.member(primary).pgPort, 'max_connections'));
      await patchMaxConnections(cluster, primary, before + 50);
      let startedAt = Date.now();
      const raised = await restart(cluster, { awaitParameters: ['max_connections'] });
      const leader = await cluster.waitForPrimary(10_000);
      expect(leader).not.toBe(primary);
      const replicas = cluster.members.map((m) => m.name).filter((n) => n !== primary).sort();
      expect(raised).toEqual([
        ...replicas.map((member) => ({ member, outcome: 'restarted' })),
        { member: primary, outcome: `switched over to ${leader}` },
        { member: primary, outcome: 'restarted as a replica by the switchover' },
      ]);
      await cluster.waitForReplicas(leader, 30_000);
      await expectEverywhere(cluster, String(before + 50));
      console.log(`rolling restart for max_connections ${before} → ${before + 50}: ${elapsed(startedAt)}`);

      // Lowered: a replica restarted below its primary would not start, so the leader goes first, in place.
      await patchMaxConnections(cluster, leader, before - 20);
      startedAt = Date.now();
      const lowered = await restart(cluster, { awaitParameters: ['max_connections'] });
      const others = cluster.members.map((m) => m.name).filter((n) => n !== leader).sort();
      expect(lowered).toEqual([{ member: leader, outcome: 'restarted where it leads (writes stopped until it was back)' }, ...others.map((member) => ({ member, outcome: 'restarted' }))]);
      expect(await cluster.waitForPrimary(10_000)).toBe(leader);
      await cluster.waitForReplicas(leader, 30_000);
      await expectEverywhere(cluster, String(before - 20));
      console.log(`rolling restart for max_connections ${before + 50} → ${before - 20}, the leader first: ${elapsed(startedAt)}`);

      // One named replica alone; with pendingOnly, nothing when nothing waits.
      const replica = others[0]!;
      const started = async (name: string): Promise<unknown> => (await cluster.status(name))?.postmaster_start_time;
      const times = Object.fromEntries(await Promise.all(cluster.members.map(async (m) => [m.name, await started(m.name)] as const)));
      expect(await restart(cluster, { members: [replica] })).toEqual([{ member: replica, outcome: 'restarted' }]);
      for (const member of cluster.members) {
        if (member.name === replica) expect(await started(member.name)).not.toEqual(times[member.name]);
        else expect(await started(member.name)).toEqual(times[member.name]);
      }
      const nothing = await restart(cluster, { pendingOnly: true });
      expect(nothing.map((o) => o.outcome)).toEqual(cluster.members.map(() => 'not restarted: nothing waits for a restart there'));
      expect(await cluster.primaries()).toEqual([leader]);
      expect(await load!.finish(leader)).toEqual([]);
    });
  }, SCENARIO_MS);
});
