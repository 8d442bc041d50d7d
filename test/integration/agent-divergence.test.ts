// After a switchover, losing the new primary must cost no replica its data: a replica whose WAL
// receiver went down still reports the timeline it follows, divergence is decided only from the
// leader's own history, and a pg_rewind that could not connect is not a failed one. Each
// scenario runs with the settings that used to turn the misreading into data directories
// removed (remove_data_directory_on_rewind_failure and ..._on_diverged_timelines on).
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../agent/postgres/process-runner.js';
import { waitFor } from '../helpers/child-process.js';
import { onClusterUnderLoad, type ClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { POSTGRES_BIN_DIR, postgresRunAs } from '../helpers/postgres-user.js';

const SCENARIO_MS = 240_000;
const TTL_MS = 10_000;
const LOOP_WAIT_MS = 2000;
const DCS = {
  postgresql: { use_pg_rewind: true, remove_data_directory_on_rewind_failure: true, remove_data_directory_on_diverged_timelines: true },
};
/** What an agent logs when it starts on a replica's data, as a decision reason. */
const DATA_TOUCHED = /rewinding with pg_rewind|building a new copy|cloning/;
/** A file PostgreSQL ignores; a new copy swapped in would not have it. */
const MARKER = 'pgha-test-marker';

/** Switches over to another member; resolves the new primary once every replica streams from it. */
async function switchOver(load: ClusterUnderLoad): Promise<string> {
  const { cluster, primary } = load;
  const candidate = cluster.members.find((m) => m.name !== primary)!.name;
  const answer = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
  expect(answer).toEqual({ status: 200, body: `Successfully switched over to "${candidate}"` });
  await cluster.waitForReplicas(candidate, 60_000);
  await load.waitForWritesOn(candidate, Date.now(), 20_000);
  return candidate;
}

/** Marks each member's data directory and remembers how much each agent has logged. */
function watchReplicas({ cluster }: ClusterUnderLoad, names: string[]): () => void {
  const logged = new Map(names.map((name) => [name, cluster.member(name).agent?.output().length ?? 0]));
  for (const name of names) writeFileSync(join(cluster.member(name).dataDir, MARKER), name);
  return () => {
    for (const name of names) {
      const since = cluster.member(name).agent?.output().slice(logged.get(name)) ?? '';
      expect(since, `${name} touched its data`).not.toMatch(DATA_TOUCHED);
      expect(existsSync(join(cluster.member(name).dataDir, MARKER)), `${name}'s data directory was replaced`).toBe(true);
    }
  };
}

async function stopPostgresFast(dataDir: string): Promise<void> {
  const runAs = postgresRunAs();
  const result = await runProcess(join(POSTGRES_BIN_DIR, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
    timeoutMs: 40_000,
    ...(runAs ? { runAs } : {}),
  });
  expect(result.exitCode, result.output).toBe(0);
}

describe('a new primary lost right after a switchover', () => {
  it('costs no replica its data when its PostgreSQL crashes, or stays down for 3 × loop_wait', () =>
    onClusterUnderLoad({ dcs: DCS }, async (load) => {
      const { cluster } = load;
      const primary = await switchOver(load);
      const replicas = cluster.members.map((m) => m.name).filter((n) => n !== primary);
      const untouched = watchReplicas(load, replicas);

      const crashedAt = Date.now();
      await cluster.crashPostgres(primary);
      await load.waitForWritesOn(primary, crashedAt + 100, 30_000);
      await cluster.waitForReplicas(primary, 60_000);

      // Its agent frozen, so that nothing starts PostgreSQL again before the time is up; the
      // leader key outlives the stop, so no replica may take over.
      await cluster.signal(primary, 'SIGSTOP', 'agent');
      await stopPostgresFast(cluster.member(primary).dataDir);
      await new Promise((resolve) => setTimeout(resolve, 3 * LOOP_WAIT_MS));
      await cluster.signal(primary, 'SIGCONT', 'agent');
      expect(await cluster.waitForPrimary(30_000)).toBe(primary);
      await cluster.waitForReplicas(primary, 60_000);
      await load.waitForWritesOn(primary, Date.now(), 30_000);

      untouched();
      expect(await load.finish(primary)).toEqual([]);
    }), SCENARIO_MS);

  it('promotes a replica, and costs no replica its data, when it is cut from etcd for 2 × ttl', () =>
    onClusterUnderLoad({ dcs: DCS }, async (load) => {
      const { cluster } = load;
      const cut = await switchOver(load);
      const replicas = cluster.members.map((m) => m.name).filter((n) => n !== cut);
      const untouched = watchReplicas(load, replicas);

      const cutAt = Date.now();
      cluster.cutEtcd('blackhole', [cut]);
      const next = await cluster.waitForPrimary(TTL_MS + 20_000, cut);
      expect(replicas).toContain(next);
      await load.waitForWritesOn(next, cutAt, 20_000);
      const waited = Date.now() - cutAt;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2 * TTL_MS - waited)));
      cluster.healEtcd([cut]);
      await cluster.waitForReplicas(next, 90_000);
      await waitFor('the writes to go on', () => load.acksSince(Date.now() - 1000).length > 0, 20_000);

      untouched();
      expect(await load.finish(next)).toEqual([]);
    }), SCENARIO_MS);
});
