import { describe, expect, it } from 'vitest';
import { Simulation, type SimNode } from '../../helpers/ha-simulation.js';

const TTL_MS = 10_000;
const LOOP_WAIT_MS = 2_000;
const STEP_MS = 250;

function leaderOf(sim: Simulation): SimNode | undefined {
  const writable = sim.writablePrimaries();
  expect(writable.length, `two writable primaries with valid leases at ${sim.clock.now()} ms: ${writable.map((n) => n.name).join(', ')}`).toBeLessThanOrEqual(1);
  return writable[0];
}

async function runUntil(sim: Simulation, condition: () => boolean, limitMs: number): Promise<number> {
  const start = sim.clock.now();
  while (!condition()) {
    if (sim.clock.now() - start > limitMs) throw new Error(`not reached within ${limitMs} ms`);
    await sim.tick(STEP_MS);
    leaderOf(sim);
  }
  return sim.clock.now() - start;
}

function simulation(): Simulation {
  const sim = new Simulation(['pg1', 'pg2', 'pg3']);
  sim.beforeCycles = () => void leaderOf(sim);
  return sim;
}

describe('HA simulation (in-memory etcd, simulated PostgreSQL, fake clock)', () => {
  it('bootstraps one primary and two streaming replicas', async () => {
    const sim = simulation();
    await runUntil(sim, () => leaderOf(sim) !== undefined, 30_000);
    const leader = leaderOf(sim)!;
    const replicas = [...sim.nodes.values()].filter((n) => n !== leader);
    const settled = () => replicas.every((r) => r.state?.lastDecision?.reason === `no action: I am ${r.name}, a replica following ${leader.name}`);
    await runUntil(sim, settled, 30_000);
    for (const replica of replicas) expect(replica.state?.postgres.replicationState).toBe('streaming');
    expect(leader.state?.lastDecision?.reason).toBe(`no action: I am ${leader.name}, the leader with the lock`);
  });

  it('replaces a killed primary within ttl + loop_wait, and the old one rejoins after pg_rewind', async () => {
    const sim = simulation();
    await runUntil(sim, () => leaderOf(sim) !== undefined && [...sim.nodes.values()].every((n) => n.state?.postgres.process === 'running'), 60_000);
    const old = leaderOf(sim)!;
    old.postgres.write(4096);
    await sim.tick(STEP_MS);
    sim.kill(old.name);
    const took = await runUntil(sim, () => leaderOf(sim) !== undefined, TTL_MS + LOOP_WAIT_MS + 2 * STEP_MS);
    expect(took).toBeLessThanOrEqual(TTL_MS + LOOP_WAIT_MS);
    const next = leaderOf(sim)!;
    expect(next.name).not.toBe(old.name);
    sim.start(old.name);
    await runUntil(sim, () => old.state?.postgres.replicationState === 'streaming' && old.state.postgres.upstream?.port === next.port, 30_000);
    expect(old.state?.postgres.timeline).toBe(next.state?.postgres.timeline);
  });

  it('never lets a frozen and resumed primary lead again by itself', async () => {
    const sim = simulation();
    await runUntil(sim, () => leaderOf(sim) !== undefined && [...sim.nodes.values()].every((n) => n.state?.postgres.process === 'running'), 60_000);
    const old = leaderOf(sim)!;
    sim.freeze(old.name);
    await runUntil(sim, () => leaderOf(sim) !== undefined, TTL_MS + LOOP_WAIT_MS + 2 * STEP_MS);
    const next = leaderOf(sim)!;
    sim.thaw(old.name);
    for (let i = 0; i < 40; i++) {
      await sim.tick(STEP_MS);
      expect(leaderOf(sim)?.name).toBe(next.name);
    }
    await runUntil(sim, () => old.state?.postgres.replicationState === 'streaming', 30_000);
  });

  it('stops publishing leadership when a switchover starts to stop its PostgreSQL, though it renews the key meanwhile', async () => {
    const sim = simulation();
    await runUntil(sim, () => leaderOf(sim) !== undefined && [...sim.nodes.values()].every((n) => n.state?.postgres.replicationState === 'streaming' || n === leaderOf(sim)), 60_000);
    const old = leaderOf(sim)!;
    const candidate = [...sim.nodes.values()].find((n) => n !== old)!;
    const stop = old.postgres.stop.bind(old.postgres);
    let stopping = false;
    let finishStop: () => void = () => undefined;
    old.postgres.stop = async (mode) => {
      stopping = true;
      await new Promise<void>((resolve) => (finishStop = resolve));
      return stop(mode);
    };
    await sim.requestSwitchover(old.name, candidate.name);
    await runUntil(sim, () => stopping, 10_000);
    for (let i = 0; i < (2 * LOOP_WAIT_MS) / STEP_MS; i++) {
      await sim.tick(STEP_MS);
      expect(old.state?.leaderUntil, 'GET /primary would answer 200 while PostgreSQL stops').toBeUndefined();
    }
    finishStop();
    await runUntil(sim, () => leaderOf(sim) === candidate, 30_000);
    expect(old.state?.leaderUntil, 'GET /primary would answer 200 on the old primary').toBeUndefined();
  });

  it('keeps the invariants through 1,000 steps of random kills, freezes and etcd partitions', async () => {
    let seed = 20261123;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = ['pg1', 'pg2', 'pg3'];
    const sim = simulation();
    await runUntil(sim, () => leaderOf(sim) !== undefined, 60_000);
    type Fault = { name: string; kind: 'kill' | 'freeze' | 'partition'; until: number };
    let fault: Fault | undefined;
    let healedAt = sim.clock.now();
    let recoveries = 0;
    for (let step = 0; step < 1000; step++) {
      const now = sim.clock.now();
      if (fault && now >= fault.until) {
        if (fault.kind === 'kill') sim.start(fault.name);
        if (fault.kind === 'freeze') sim.thaw(fault.name);
        if (fault.kind === 'partition') sim.setEtcdReachable(fault.name, true);
        fault = undefined;
        healedAt = now;
      } else if (!fault && random() < 0.02) {
        const name = names[Math.floor(random() * names.length)]!;
        const kind = (['kill', 'freeze', 'partition'] as const)[Math.floor(random() * 3)]!;
        fault = { name, kind, until: now + 1000 + Math.floor(random() * 20_000) };
        if (kind === 'kill') sim.kill(name);
        if (kind === 'freeze') sim.freeze(name);
        if (kind === 'partition') sim.setEtcdReachable(name, false);
      }
      leaderOf(sim)?.postgres.write(256);
      await sim.tick(STEP_MS);
      const leader = leaderOf(sim);
      if (!fault && sim.clock.now() - healedAt > TTL_MS + LOOP_WAIT_MS) {
        expect(leader, `no primary ${sim.clock.now() - healedAt} ms after the last fault healed (step ${step})`).toBeDefined();
        recoveries++;
      }
    }
    expect(recoveries).toBeGreaterThan(100);
  });
});
