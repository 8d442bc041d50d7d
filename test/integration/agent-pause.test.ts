// Maintenance mode on a real cluster (PostgreSQL 15, etcd, three agents on loopback): with
// `pause: true` nothing is promoted, restarted or demoted on the agents' own account, a
// switchover needs a named candidate, a stopped agent leaves PostgreSQL running; on resume the
// cluster heals by itself.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentCluster } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';

const TTL_S = 10;
const SCENARIO_MS = 240_000;

let cluster: AgentCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
}, 60_000);

async function withLogs<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`${String(error)}\n${cluster?.logs() ?? ''}`);
  }
}

async function pausedCluster(): Promise<{ cluster: AgentCluster; primary: string }> {
  cluster = await AgentCluster.start({ dcs: { ttl: TTL_S, loop_wait: 2, retry_timeout: 4 } });
  const started = cluster;
  const primary = await started.waitForPrimary(60_000);
  await started.waitForReplicas(primary, 60_000);
  const answer = await started.api(primary, '/config', { method: 'PATCH', body: JSON.stringify({ pause: true }) });
  expect(answer.status, answer.body).toBe(200);
  await waitFor('every member to report the pause', async () => {
    const statuses = await Promise.all(started.members.map((m) => started.status(m.name)));
    return statuses.every((s) => s?.pause === true);
  }, 20_000, 250);
  return { cluster: started, primary };
}

describe('pause (maintenance mode)', () => {
  it("promotes nobody and restarts nothing for 3 × ttl after the primary's PostgreSQL is killed, and heals on resume", async () => {
    const { cluster, primary } = await pausedCluster();
    await withLogs(async () => {
      const killed = await cluster.postmasterPid(primary);
      await cluster.crashPostgres(primary);
      await waitFor(`${primary} to give up the leader lock`, async () => (await cluster.primaries()).length === 0 && (await cluster.status(primary))?.state !== 'running', 10_000, 100);
      const until = Date.now() + 3 * TTL_S * 1000;
      let samples = 0;
      while (Date.now() < until) {
        expect(await cluster.primaries()).toEqual([]);
        const pid = await cluster.postmasterPid(primary);
        expect(pid === undefined || pid === killed, `PostgreSQL of ${primary} was started again (pid ${pid})`).toBe(true);
        for (const member of cluster.members.filter((m) => m.name !== primary)) {
          const status = await cluster.status(member.name);
          expect([status?.role, status?.state]).toEqual(['replica', 'running']);
        }
        for (const member of cluster.members) expect((await cluster.api(member.name, '/liveness')).status).toBe(200);
        samples++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(samples).toBeGreaterThan(10);
      const replica = cluster.members.find((m) => m.name !== primary)!.name;
      const resumed = await cluster.api(replica, '/config', { method: 'PATCH', body: JSON.stringify({ pause: null }) });
      expect(resumed.status, resumed.body).toBe(200);
      const leader = await cluster.waitForSettled(90_000);
      expect(cluster.members.map((m) => m.name)).toContain(leader);
    });
  }, SCENARIO_MS);

  it('switches over only to a named candidate, and a stopped agent leaves its PostgreSQL running', async () => {
    const { cluster, primary } = await pausedCluster();
    await withLogs(async () => {
      const refused = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary }) });
      expect(refused).toEqual({ status: 400, body: 'Switchover is possible only to a specific candidate in a paused state' });
      const candidate = cluster.members.find((m) => m.name !== primary)!.name;
      const answer = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
      expect(answer, answer.body).toEqual({ status: 200, body: `Successfully switched over to "${candidate}"` });
      await cluster.waitForPrimary(30_000, primary);
      await cluster.waitForReplicas(candidate, 60_000);
      const other = cluster.members.find((m) => m.name !== primary && m.name !== candidate)!.name;
      const postmaster = await cluster.postmasterPid(other);
      await cluster.member(other).agent?.stop(15_000);
      expect(postmaster).toBeDefined();
      expect(() => process.kill(postmaster!, 0)).not.toThrow();
      expect(await cluster.streamingFrom(candidate)).toContain(other);
    });
  }, SCENARIO_MS);
});
