// Failures of the primary on a real cluster (three agents, PostgreSQL 15, etcd, HAProxy), with
// a writer inserting a row every 20 ms through HAProxy the whole time.
import { describe, expect, it } from 'vitest';
import { promotionTime } from '../helpers/agent-log.js';
import { waitFor } from '../helpers/child-process.js';
import { onClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { longestGap } from '../helpers/writer.js';

const SCENARIO_MS = 180_000;
const TTL_MS = 10_000;

describe('primary failures', () => {
  it('replaces a primary whose agent and postmaster are killed, and the old one rejoins after pg_rewind', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster, primary: old } = load;
      const killedAt = Date.now();
      await cluster.kill(old);
      const next = await cluster.waitForPrimary(TTL_MS + 20_000, old);
      await load.waitForWritesOn(next, killedAt, 20_000);
      console.log(`node death: writes stopped for ${longestGap(load.writer.acks, killedAt)} ms`);
      await cluster.startAgent(old);
      await cluster.waitForRejoin(old, 60_000);
      expect(cluster.member(old).agent?.output()).toMatch(/rewinding with pg_rewind from/);
      const [oldStatus, nextStatus] = [await cluster.status(old), await cluster.status(next)];
      expect(oldStatus?.timeline).toBe(nextStatus?.timeline);
      expect(await cluster.primaries()).toEqual([next]);
    }), SCENARIO_MS);

  it('hands leadership over at once when the primary agent stops cleanly', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster, primary: old } = load;
      const stoppedAt = Date.now();
      await cluster.member(old).agent?.stop(30_000);
      const next = await cluster.waitForPrimary(TTL_MS, old);
      await load.waitForWritesOn(next, stoppedAt, 20_000);
      const gap = longestGap(load.writer.acks, stoppedAt);
      console.log(`clean stop of the primary agent: writes stopped for ${gap} ms`);
      expect(gap).toBeLessThan(TTL_MS / 2);
      expect(cluster.member(old).agent?.output()).toMatch(/released the leader lock on shutdown/);
      await cluster.startAgent(old);
      await cluster.waitForRejoin(old, 60_000);
      expect(await load.finish(next)).toEqual([]);
    }), SCENARIO_MS);

  it('never lets a frozen primary take writes again after a replica was promoted', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster, primary: old } = load;
      const oldPort = cluster.member(old).pgPort;
      const frozenAt = Date.now();
      await cluster.signal(old, 'SIGSTOP');
      const next = await cluster.waitForPrimary(TTL_MS + 20_000, old);
      await load.waitForWritesOn(next, frozenAt, 20_000);
      await cluster.signal(old, 'SIGCONT');
      for (let i = 0; i < 20; i++) {
        expect(await cluster.primaries()).toEqual([next]);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await cluster.waitForRejoin(old, 60_000);
      // Backends of a stopped postmaster keep serving their sessions until HAProxy cuts them;
      // what must never happen is a write acknowledged by the old primary once the new one promotes.
      const promotedAt = promotionTime(cluster.member(next).agent?.output() ?? '');
      const lateAcks = load.acksSince(promotedAt).filter((a) => a.port === oldPort);
      const lost = await load.finish(next);
      const lastOld = load.acksSince(frozenAt).filter((a) => a.port === oldPort).at(-1)?.at;
      console.log(
        `freeze: last write on the frozen primary ${lastOld === undefined ? 'before the freeze' : `${lastOld - frozenAt} ms after it`}, ` +
          `promotion ${promotedAt - frozenAt} ms after it; ${lateAcks.length} writes acknowledged by it after the promotion; ${lost.length} lost`,
      );
      expect(lateAcks).toEqual([]);
      expect(lost).toEqual([]);
    }), SCENARIO_MS);

  it('brings writes back when PostgreSQL crashes under a live agent, and a switchover right after loses nothing', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster, primary } = load;
      const pid = await cluster.postmasterPid(primary);
      const crashedAt = Date.now();
      process.kill(pid!, 'SIGKILL');
      await waitFor('writes to resume', () => load.acksSince(crashedAt + 100).length > 5, 30_000, 50);
      console.log(`PostgreSQL crash: writes stopped for ${longestGap(load.writer.acks, crashedAt)} ms`);
      expect(await cluster.waitForPrimary(30_000)).toBe(primary);
      // The replicas are still reconnecting (they retry every 5 s): the switchover must wait for its
      // candidate to stream, or it would promote it without the WAL written since the restart.
      const candidate = cluster.members.find((m) => m.name !== primary)!.name;
      const answer = await cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
      expect(answer).toEqual({ status: 200, body: `Successfully switched over to "${candidate}"` });
      await cluster.waitForReplicas(candidate, 60_000);
      await load.waitForWritesOn(candidate, Date.now(), 20_000);
      expect(await load.finish(candidate)).toEqual([]);
    }), SCENARIO_MS);

  it('stops taking writes before its lease could expire when etcd is unreachable, and heals', () =>
    onClusterUnderLoad({}, async (load) => {
      const { cluster, primary } = load;
      const port = cluster.member(primary).pgPort;
      const cutAt = Date.now();
      cluster.cutEtcd('blackhole');
      await waitFor('the primary to stop taking writes', () => load.writer.acks.at(-1)!.at < Date.now() - 1000, TTL_MS + 5000, 100);
      const lastAck = load.acksSince(cutAt).filter((a) => a.port === port).at(-1)?.at ?? cutAt;
      console.log(`etcd cut: the primary took its last write ${lastAck - cutAt} ms after the cut (ttl ${TTL_MS} ms)`);
      expect(lastAck - cutAt).toBeLessThan(TTL_MS);
      await waitFor('no member to claim /primary', async () => (await cluster.primaries()).length === 0, TTL_MS, 200);
      cluster.healEtcd();
      const healed = await cluster.waitForPrimary(60_000);
      await cluster.waitForReplicas(healed, 60_000);
      await load.waitForWritesOn(healed, Date.now(), 30_000);
    }), SCENARIO_MS);
});
