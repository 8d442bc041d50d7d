// Synchronous replication in the three-member simulation: the leader chooses its standbys, a
// commit is acknowledged only once they have it, and only they may be promoted, so no
// acknowledged commit is lost through a failover.
import { describe, expect, it } from 'vitest';
import { promotionRuleOf } from '../../../agent/ha/commit-rules.js';
import type { DynamicConfig } from '../../../agent/contract/schema-types.js';
import { Simulation, type SimNode } from '../../helpers/ha-simulation.js';

const TTL_MS = 10_000;
const LOOP_WAIT_MS = 2_000;
const STEP_MS = 250;

function simulation(dcs: Partial<DynamicConfig>): Simulation {
  return new Simulation(['pg1', 'pg2', 'pg3'], { dcs });
}

/** The member whose agent leads and whose PostgreSQL runs as primary (it may not acknowledge commits yet). */
function leader(sim: Simulation): SimNode | undefined {
  const now = sim.clock.now();
  return [...sim.nodes.values()].find((n) => n.alive && (n.loop.leaderUntil ?? -1) > now && n.state?.postgres.inRecovery === false && n.state.postgres.process === 'running');
}

async function runUntil(sim: Simulation, what: string, condition: () => boolean, limitMs: number): Promise<void> {
  const start = sim.clock.now();
  while (!condition()) {
    if (sim.clock.now() - start > limitMs) throw new Error(`${what}: not reached within ${limitMs} ms`);
    await sim.tick(STEP_MS);
  }
}

async function syncKey(sim: Simulation): Promise<{ leader: string | null; standbys: readonly string[]; quorum: number }> {
  const record = (await sim.node('pg1').kv.range('/service/sim/sync', 1000)).kvs[0];
  const value = record ? (JSON.parse(record.value) as { leader: string | null; sync_standby: string | null; quorum?: number }) : undefined;
  return { leader: value?.leader ?? null, ...promotionRuleOf(value) };
}

/** Until the leader's commits wait for a standby the sync key names. */
async function protectedCluster(sim: Simulation): Promise<SimNode> {
  let found: SimNode | undefined;
  await runUntil(
    sim,
    'a leader with a synchronous standby',
    () => {
      found = leader(sim);
      const names = found?.state?.postgres.synchronousStandbyNames ?? '';
      return found !== undefined && names !== '' && [...sim.nodes.values()].every((n) => n.state?.postgres.process === 'running');
    },
    60_000,
  );
  for (let i = 0; i < (2 * LOOP_WAIT_MS) / STEP_MS; i++) await sim.tick(STEP_MS);
  return found!;
}

describe('synchronous replication in the simulation', () => {
  it('names one standby in synchronous_standby_names and then in the sync key', async () => {
    const sim = simulation({ synchronous_mode: true });
    const primary = await protectedCluster(sim);
    const key = await syncKey(sim);
    expect(key.leader).toBe(primary.name);
    expect(key.standbys).toHaveLength(1);
    expect(primary.state?.postgres.synchronousStandbyNames).toBe(key.standbys[0]);
    expect(primary.postgres.write(128)).toBeDefined();
  });

  it('loses no acknowledged commit through 20 kills of the primary, and promotes only the synchronous standby', async () => {
    const sim = simulation({ synchronous_mode: true });
    let primary = await protectedCluster(sim);
    for (let round = 0; round < 20; round++) {
      let acknowledged = 0;
      for (let i = 0; i < 8; i++) {
        acknowledged = primary.postgres.write(256) ?? acknowledged;
        await sim.tick(STEP_MS);
      }
      const { standbys } = await syncKey(sim);
      const timeline = primary.state!.postgres.timeline!;
      acknowledged = primary.postgres.write(256) ?? acknowledged;
      sim.kill(primary.name);
      await runUntil(sim, `round ${round}: a new leader`, () => leader(sim) !== undefined && leader(sim) !== primary, TTL_MS + 3 * LOOP_WAIT_MS);
      const next = leader(sim)!;
      expect(standbys, `round ${round}: ${next.name} was promoted`).toContain(next.name);
      const { history } = await next.postgres.sourceTimeline({ name: next.name, host: '127.0.0.1', port: next.port });
      const switchLsn = history.find(([t]) => t === timeline)?.[1] ?? 0;
      expect(switchLsn, `round ${round}: timeline ${timeline} ended before the last acknowledged commit`).toBeGreaterThanOrEqual(acknowledged);
      sim.start(primary.name);
      primary = await protectedCluster(sim);
    }
  });

  it('in quorum mode with two standbys, waits for any one of them and needs one vote to promote', async () => {
    const sim = simulation({ synchronous_mode: 'quorum' });
    const primary = await protectedCluster(sim);
    await runUntil(sim, 'the sync key to name both standbys', () => primary.state?.cluster?.sync?.value.quorum === 1, 30_000);
    const standbys = [...sim.nodes.keys()].filter((n) => n !== primary.name).sort();
    expect(primary.state?.postgres.synchronousStandbyNames).toBe(`ANY 1 (${standbys.join(',')})`);
    expect(await syncKey(sim)).toEqual({ leader: primary.name, standbys, quorum: 1 });
  });

  it('in strict mode, blocks commits rather than leave them unprotected when both standbys are gone', async () => {
    const sim = simulation({ synchronous_mode: true, synchronous_mode_strict: true });
    const primary = await protectedCluster(sim);
    for (const node of sim.nodes.values()) if (node !== primary) sim.kill(node.name);
    for (let i = 0; i < (3 * LOOP_WAIT_MS) / STEP_MS; i++) await sim.tick(STEP_MS);
    expect(leader(sim)).toBe(primary);
    expect(primary.state?.postgres.synchronousStandbyNames).toBe('*');
    expect(primary.postgres.write(128)).toBeUndefined();
  });

  it('without strict mode, goes on unprotected when both standbys are gone, and no standby may then be promoted', async () => {
    const sim = simulation({ synchronous_mode: true });
    const primary = await protectedCluster(sim);
    for (const node of sim.nodes.values()) if (node !== primary) sim.kill(node.name);
    for (let i = 0; i < (3 * LOOP_WAIT_MS) / STEP_MS; i++) await sim.tick(STEP_MS);
    expect(primary.state?.postgres.synchronousStandbyNames).toBe('');
    expect((await syncKey(sim)).standbys).toEqual([]);
    expect(primary.postgres.write(128)).toBeDefined();
  });

  it('releases a synchronous standby that stops cleanly before it goes, so commits never wait for it', async () => {
    const sim = simulation({ synchronous_mode: true });
    const primary = await protectedCluster(sim);
    const standby = sim.node((await syncKey(sim)).standbys[0]!);
    let stopped = false;
    void standby.loop.stop().then(() => (stopped = true));
    await runUntil(sim, 'the standby to be released and stopped', () => stopped, 10_000);
    expect((await syncKey(sim)).standbys).not.toContain(standby.name);
    standby.alive = false;
    expect(standby.postgres.write(0)).toBeUndefined();
    await runUntil(sim, 'the other standby to be chosen', () => (primary.state?.postgres.synchronousStandbyNames ?? '') !== '' && !primary.state!.postgres.synchronousStandbyNames!.includes(standby.name), 10_000);
    expect(primary.postgres.write(128)).toBeDefined();
  });
});
