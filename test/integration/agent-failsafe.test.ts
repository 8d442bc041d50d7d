// Failsafe mode on a real cluster (PostgreSQL 15, etcd, three agents and HAProxy on loopback, a
// writer through HAProxy, a watchdog emulator per member): etcd frozen (SIGSTOP) for 2 × ttl with
// every member up, the primary keeps taking writes because every member confirms it over POST
// /failsafe, its watchdog fed (no reset), and nothing is lost. The lab test "keeps the primary
// taking writes in failsafe mode …" does the same for 3 × ttl on the units pgha deploys, and shows
// the primary stepping down in time once a replica is stopped.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/child-process.js';
import { onClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { longestGap } from '../helpers/writer.js';

const TTL_S = 10;
const FREEZE_MS = 2 * TTL_S * 1000;

describe('failsafe mode', () => {
  it('keeps the primary taking writes through an etcd freeze of 2 × ttl, its watchdog fed', async () => {
    await onClusterUnderLoad({ dcs: { ttl: TTL_S, loop_wait: 2, retry_timeout: 4, failsafe_mode: true }, watchdog: { mode: 'required' } }, async (load) => {
      const { cluster, primary } = load;
      const etcd = cluster.etcd.process.child;
      await waitFor('the leader to list every member in the failsafe key', async () => Object.keys(JSON.parse((await cluster.api(primary, '/failsafe')).body || '{}') as object).length === 3, 20_000, 250);

      const frozenAt = Date.now();
      etcd.kill('SIGSTOP');
      try {
        await waitFor('every member to report failsafe mode active', async () => (await Promise.all(cluster.members.map((m) => cluster.status(m.name)))).every((s) => s?.failsafe_mode_is_active === true), 20_000, 250);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, frozenAt + FREEZE_MS - Date.now())));
        expect(await cluster.primaries()).toEqual([primary]);
      } finally {
        etcd.kill('SIGCONT');
      }
      const during = load.acksSince(frozenAt).filter((a) => a.at < frozenAt + FREEZE_MS);
      const gap = longestGap(load.acksSince(frozenAt), frozenAt);
      process.stderr.write(`failsafe: ${during.length} writes acknowledged during a ${FREEZE_MS / 1000} s etcd freeze, longest gap ${gap} ms\n`);
      expect(during.length).toBeGreaterThan(FREEZE_MS / 100);
      expect(gap).toBeLessThan(TTL_S * 1000);
      await waitFor(`${primary} to hold the leader key again`, async () => JSON.parse((await cluster.api(primary, '/cluster')).body).members.some((m: { name: string; role: string }) => m.name === primary && m.role === 'leader'), 30_000, 250);
      expect(await cluster.primaries()).toEqual([primary]);
      expect(cluster.resetMembers()).toEqual([]);

      const leader = await cluster.waitForSettled(90_000);
      expect(await load.finish(leader)).toEqual([]);
    });
  }, 300_000);
});
