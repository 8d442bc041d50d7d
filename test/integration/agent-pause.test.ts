// Maintenance mode on a real cluster (PostgreSQL 15, etcd, three agents on loopback): with
// `pause: true` a switchover needs a named candidate and a stopped agent leaves PostgreSQL
// running. That a killed primary PostgreSQL is neither restarted nor replaced for 3 × ttl, and
// that the cluster heals on resume, the lab test "pauses: …" shows on the units pgha deploys.
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
