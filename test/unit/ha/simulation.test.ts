import { describe, expect, it } from 'vitest';
import type { WatchdogMode } from '../../../agent/watchdog/watchdog.js';
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

/** With a watchdog, the stronger invariant too: no PostgreSQL takes a write unless etcd names its member leader. */
function noWriteWithoutLease(sim: Simulation): void {
  expect(sim.writableWithoutLease(), `a PostgreSQL takes writes at ${sim.clock.now()} ms, though etcd names ${sim.leaderKeyHolder() ?? 'no one'} leader`).toEqual([]);
}

function simulation(watchdog: WatchdogMode = 'off', safetyMargin?: number): Simulation {
  const sim = new Simulation(['pg1', 'pg2', 'pg3'], { watchdog, safetyMargin });
  sim.beforeCycles = () => {
    leaderOf(sim);
    if (watchdog !== 'off') noWriteWithoutLease(sim);
  };
  return sim;
}

async function settledCluster(sim: Simulation): Promise<SimNode> {
  await runUntil(sim, () => leaderOf(sim) !== undefined && [...sim.nodes.values()].every((n) => n.state?.postgres.process === 'running'), 60_000);
  return leaderOf(sim)!;
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

  it.each([
    { watchdog: 'off' as const, kinds: ['kill', 'freeze', 'partition'] as const },
    { watchdog: 'required' as const, kinds: ['kill', 'freeze', 'partition', 'freeze-agent'] as const },
  ])('keeps the invariants through 1,000 steps of random faults ($kinds), watchdog $watchdog', async ({ watchdog, kinds }) => {
    let seed = 20261123;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = ['pg1', 'pg2', 'pg3'];
    const sim = simulation(watchdog);
    await runUntil(sim, () => leaderOf(sim) !== undefined, 60_000);
    type Fault = { name: string; kind: (typeof kinds)[number]; until: number };
    let fault: Fault | undefined;
    let healedAt = sim.clock.now();
    let recoveries = 0;
    for (let step = 0; step < 1000; step++) {
      const now = sim.clock.now();
      if (fault && now >= fault.until) {
        if (fault.kind === 'kill') sim.start(fault.name);
        if (fault.kind === 'freeze' || fault.kind === 'freeze-agent') sim.thaw(fault.name);
        if (fault.kind === 'partition') sim.setEtcdReachable(fault.name, true);
        fault = undefined;
        healedAt = now;
      } else if (!fault && random() < 0.03) {
        const kind = kinds[Math.floor(random() * kinds.length)]!;
        // Half the faults strike the primary, where they matter most.
        const name = random() < 0.5 ? (leaderOf(sim)?.name ?? names[0]!) : names[Math.floor(random() * names.length)]!;
        fault = { name, kind, until: now + 1000 + Math.floor(random() * 20_000) };
        if (kind === 'kill') sim.kill(name);
        if (kind === 'freeze') sim.freeze(name);
        if (kind === 'freeze-agent') sim.freezeAgent(name);
        if (kind === 'partition') sim.setEtcdReachable(name, false);
      }
      leaderOf(sim)?.postgres.write(256);
      await sim.tick(STEP_MS);
      const leader = leaderOf(sim);
      if (watchdog !== 'off') noWriteWithoutLease(sim);
      if (!fault && sim.clock.now() - healedAt > TTL_MS + LOOP_WAIT_MS) {
        expect(leader, `no primary ${sim.clock.now() - healedAt} ms after the last fault healed (step ${step})`).toBeDefined();
        recoveries++;
      }
    }
    expect(recoveries).toBeGreaterThan(80);
    const resets = [...sim.nodes.values()].reduce((sum, n) => sum + n.resets, 0);
    if (watchdog === 'off') expect(resets).toBe(0);
    else expect(resets, 'the run never had a watchdog fence a hung primary').toBeGreaterThan(0);
  });
});

describe('HA simulation: the watchdog', () => {
  it('without one, a primary whose agent hangs goes on taking writes after another was promoted', async () => {
    const sim = simulation('off');
    const old = await settledCluster(sim);
    sim.freezeAgent(old.name);
    await runUntil(sim, () => sim.leaderKeyHolder() !== undefined && sim.leaderKeyHolder() !== old.name, TTL_MS + 2 * LOOP_WAIT_MS);
    expect(sim.writableWithoutLease()).toEqual([old.name]);
  });

  it('with one required, resets that host before its key expires, and a replica takes over', async () => {
    const sim = simulation('required');
    const old = await settledCluster(sim);
    expect(old.watchdog.status()).toMatchObject({ mode: 'required', state: 'armed', timeoutSeconds: 5 });
    sim.freezeAgent(old.name);
    const took = await runUntil(sim, () => leaderOf(sim) !== undefined && leaderOf(sim) !== old, TTL_MS + 2 * LOOP_WAIT_MS);
    expect(took).toBeLessThanOrEqual(TTL_MS + LOOP_WAIT_MS);
    expect(old.alive, 'the watchdog reset the host').toBe(false);
    sim.thaw(old.name);
    await runUntil(sim, () => old.state?.postgres.replicationState === 'streaming', 30_000);
  });

  it('feeds it only after renewals answered in time, so a primary whose etcd answers slowly is reset before its key can expire', async () => {
    // safety_margin 2: the watchdog fires 8 s after a keepalive, 2 s before a key renewed just then expires.
    const sim = simulation('required', 2);
    const old = await settledCluster(sim);
    // Each answer takes 1.5 s: a renewal's keepalive and compare take 3 s, and a keepalive
    // written then would put the reset 1 s past the key's expiry.
    old.kv.answerDelayMs = 1500;
    const fedBefore = old.watchdog.status().keepalives;
    await runUntil(sim, () => old.watchdog.status().keepalives > fedBefore || !old.alive, 12_000);
    sim.freezeAgent(old.name);
    // The invariant hook checks at every step that no PostgreSQL takes writes without the key.
    await runUntil(sim, () => !old.alive, TTL_MS);
    expect([old.resets, old.watchdog.status().keepalives]).toEqual([1, fedBefore]);
    await runUntil(sim, () => leaderOf(sim) !== undefined, TTL_MS + 2 * LOOP_WAIT_MS);
  });

  it('disarms at a switchover and at a clean stop, so nothing resets', async () => {
    const sim = simulation('required');
    const old = await settledCluster(sim);
    const candidate = [...sim.nodes.values()].find((n) => n !== old)!;
    await runUntil(sim, () => candidate.state?.postgres.replicationState === 'streaming', 30_000);
    await sim.requestSwitchover(old.name, candidate.name);
    await runUntil(sim, () => leaderOf(sim) === candidate, 30_000);
    expect(old.watchdog.status().state).toBe('disabled');
    await runUntil(sim, () => candidate.watchdog.status().state === 'armed', 10_000);
    await candidate.loop.stop();
    candidate.alive = false;
    expect(candidate.watchdog.status().state).toBe('disabled');
    await runUntil(sim, () => leaderOf(sim) !== undefined && leaderOf(sim) !== candidate, TTL_MS + 2 * LOOP_WAIT_MS);
    for (let i = 0; i < (2 * TTL_MS) / STEP_MS; i++) await sim.tick(STEP_MS);
    expect([old.alive, [...sim.nodes.values()].filter((n) => n.alive).length]).toEqual([true, 2]);
  });

  it('in required mode, a member whose watchdog cannot be armed never leads, and says why', async () => {
    const sim = simulation('required');
    const old = await settledCluster(sim);
    for (const node of sim.nodes.values()) if (node !== old) node.device.unusable = 'no such device';
    sim.kill(old.name);
    for (let i = 0; i < (2 * TTL_MS) / STEP_MS; i++) {
      await sim.tick(STEP_MS);
      expect(sim.leaderKeyHolder() ?? old.name).toBe(old.name);
    }
    const replica = [...sim.nodes.values()].find((n) => n !== old)!;
    expect(replica.state?.watchdog).toMatchObject({ failed: true, failure: 'no such device' });
    expect(replica.state?.lastDecision?.reason).toMatch(/I may not lead without a watchdog \(no such device\)/);
  });
});
