// Failsafe mode in the three-member simulation (in-memory etcd, simulated PostgreSQL, fake
// clock): with etcd gone, the primary stays primary only while every member confirms it over
// POST /failsafe; a member that confirmed it does not race; without failsafe mode it demotes.
import { describe, expect, it } from 'vitest';
import type { WatchdogMode } from '../../../agent/watchdog/watchdog.js';
import { Simulation, type SimNode } from '../../helpers/ha-simulation.js';

const TTL_MS = 10_000;
const STEP_MS = 250;
const NAMES = ['pg1', 'pg2', 'pg3'];

function onlyPrimary(sim: Simulation): SimNode | undefined {
  const primaries = sim.writablePrimaries();
  expect(primaries.map((n) => n.name), `more than one primary at ${sim.clock.now()} ms`).toHaveLength(Math.min(primaries.length, 1));
  return primaries[0];
}

/** Steps the simulation until `done` holds, checking after every step that no two primaries take writes. */
async function stepUntil(sim: Simulation, what: string, done: () => boolean, limitMs: number): Promise<number> {
  const start = sim.clock.now();
  while (!done()) {
    if (sim.clock.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sim.tick(STEP_MS);
    onlyPrimary(sim);
  }
  return sim.clock.now() - start;
}

async function failsafeKey(sim: Simulation): Promise<Record<string, string> | undefined> {
  const kv = (await sim.node('pg1').kv.range('/service/sim/failsafe', 1000)).kvs[0];
  return kv ? (JSON.parse(kv.value) as Record<string, string>) : undefined;
}

/** A settled cluster whose leader has written every member into the failsafe key. */
async function listedCluster(failsafeMode: boolean, watchdog: WatchdogMode = 'off'): Promise<{ sim: Simulation; leader: SimNode }> {
  const sim = new Simulation(NAMES, { dcs: { failsafe_mode: failsafeMode }, watchdog });
  let listed = !failsafeMode;
  await stepUntil(
    sim,
    'a settled cluster',
    () => {
      void failsafeKey(sim).then((key) => (listed ||= Object.keys(key ?? {}).length === NAMES.length));
      return listed && onlyPrimary(sim) !== undefined && [...sim.nodes.values()].every((n) => n.state?.postgres.process === 'running');
    },
    60_000,
  );
  return { sim, leader: onlyPrimary(sim)! };
}

describe('HA simulation: failsafe mode', () => {
  it('keeps the primary taking writes through 3 × ttl without etcd while every member confirms it, its watchdog fed, and it takes its key back', async () => {
    const { sim, leader } = await listedCluster(true, 'required');
    const timeline = leader.state?.postgres.timeline;
    for (const name of NAMES) sim.setEtcdReachable(name, false);
    for (let waited = 0; waited < 3 * TTL_MS; waited += STEP_MS) {
      expect(leader.postgres.write(256), `the primary stopped taking writes ${waited} ms into the outage`).toBeDefined();
      await sim.tick(STEP_MS);
      expect(onlyPrimary(sim)?.name).toBe(leader.name);
    }
    expect(leader.state?.lastDecision?.reason).toMatch(/^etcd is unreachable; I stay the primary in failsafe mode: pg\d and pg\d confirmed me$/);
    const now = sim.clock.now();
    for (const node of sim.nodes.values()) expect(node.state?.failsafeUntil ?? 0, `${node.name} does not report failsafe mode active`).toBeGreaterThan(now - 2 * STEP_MS);
    for (const name of NAMES) sim.setEtcdReachable(name, true);
    await stepUntil(sim, 'the primary holding the leader key again', () => sim.leaderKeyHolder() === leader.name, 2 * TTL_MS);
    expect(leader.state?.postgres.timeline).toBe(timeline);
    expect(leader.resets).toBe(0);
    expect(leader.watchdog.status().state).toBe('armed');
  });

  it('demotes the primary before its lease could have expired when a member cannot confirm it', async () => {
    const { sim, leader } = await listedCluster(true);
    sim.kill(NAMES.find((n) => n !== leader.name)!);
    await sim.tick(STEP_MS);
    for (const name of NAMES) sim.setEtcdReachable(name, false);
    const leaseEnd = leader.loop.leaderUntil!;
    await stepUntil(sim, 'the primary refusing writes', () => leader.postgres.write(0) === undefined, 2 * TTL_MS);
    expect(sim.clock.now()).toBeLessThan(leaseEnd);
    expect(leader.state?.lastDecision?.reason).toMatch(/^demoting: etcd is unreachable and failsafe mode cannot keep me primary: pg\d did not confirm me \(no answer\)$/);
  });

  it('without failsafe mode, demotes the primary when etcd is gone', async () => {
    const { sim, leader } = await listedCluster(false);
    for (const name of NAMES) sim.setEtcdReachable(name, false);
    const leaseEnd = leader.loop.leaderUntil!;
    await stepUntil(sim, 'the primary refusing writes', () => leader.postgres.write(0) === undefined, 2 * TTL_MS);
    expect(sim.clock.now()).toBeLessThan(leaseEnd);
  });

  it('keeps a primary cut off from etcd alone, and its replicas do not race for the expired key while they confirm it', async () => {
    const { sim, leader } = await listedCluster(true);
    sim.setEtcdReachable(leader.name, false);
    for (let waited = 0; waited < 3 * TTL_MS; waited += STEP_MS) {
      await sim.tick(STEP_MS);
      expect(onlyPrimary(sim)?.name, `${waited} ms after the primary lost etcd`).toBe(leader.name);
    }
    expect(sim.leaderKeyHolder()).toBeUndefined();
    sim.setEtcdReachable(leader.name, true);
    await stepUntil(sim, 'the primary holding the leader key again', () => sim.leaderKeyHolder() === leader.name, 2 * TTL_MS);
  });
});
