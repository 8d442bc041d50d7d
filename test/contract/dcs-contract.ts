// The Dcs on top of a KvBackend, run against etcd itself and the in-memory store: leader
// election with Patroni's compare-and-swap semantics, leases, and the other cluster keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../agent/clock/clock.js';
import { dcsLayout, type DcsLayout } from '../../agent/contract/dcs-layout.js';
import type { MemberRecord } from '../../agent/contract/dcs-records.js';
import { KvDcs, type DcsTiming } from '../../agent/dcs/kv-dcs.js';
import type { KvBackend } from '../../agent/dcs/kv-backend.js';
import { waitFor } from '../helpers/child-process.js';
import type { KvBackendHarness } from './kv-backend-contract.js';

const T = 2000;

function member(name: string, port: number): MemberRecord {
  return {
    conn_url: `postgres://127.0.0.1:${port}/postgres`,
    api_url: `http://127.0.0.1:${port + 3000}/patroni`,
    state: 'running',
    role: 'replica',
    version: '4.1.4',
    xlog_location: 100,
    timeline: 1,
  };
}

export function describeDcsContract(name: string, start: () => Promise<KvBackendHarness>): void {
  describe(`Dcs contract: ${name}`, () => {
    let harness: KvBackendHarness;
    let n = 0;
    const opened: KvBackend[] = [];
    let layout: DcsLayout;
    let admin: KvBackend;

    async function node(memberName: string, timing: DcsTiming = { ttl: 10, retry_timeout: 2 }) {
      const kv = await harness.client();
      opened.push(kv);
      let current = timing;
      const dcs = new KvDcs({ kv, layout, name: memberName, clock: systemClock, timing: () => current });
      return { dcs, setTiming: (t: DcsTiming) => (current = t) };
    }

    beforeAll(async () => {
      harness = await start();
      admin = await harness.client();
      opened.push(admin);
    });
    afterAll(async () => {
      for (const kv of opened) await kv.close();
      await harness?.close();
    });

    const fresh = (): void => {
      layout = dcsLayout('/service', `${name.replace(/\W/g, '')}${++n}`);
    };

    it('lets exactly one member create the leader key, on its own lease', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      await a.dcs.touchMember(member('pg1', 5432));
      const before = systemClock.now();
      const [claimA, claimB] = await Promise.all([a.dcs.acquireLeader(), b.dcs.acquireLeader()]);
      expect([claimA.held, claimB.held].filter(Boolean)).toHaveLength(1);
      const winner = claimA.held ? a : b;
      const loser = claimA.held ? b : a;
      const state = await winner.dcs.readCluster();
      const winnerName = claimA.held ? 'pg1' : 'pg2';
      expect(state.leader?.name).toBe(winnerName);
      const renewed = await winner.dcs.renewLeader();
      // renewedAt is when the lease was last proved alive: never later than now (the belief must
      // not outlive the key), and refreshed within this "cycle".
      expect(renewed.held && renewed.renewedAt <= systemClock.now() && renewed.renewedAt >= before - 1000).toBe(true);
      expect((await loser.dcs.renewLeader()).held).toBe(false);
      expect((await loser.dcs.acquireLeader()).held).toBe(false);
      if (winnerName === 'pg1') expect(state.members.find((m) => m.name === 'pg1')?.lease).toBe(state.leader?.lease);
    });

    it('releases the leader key only for its holder', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      expect((await a.dcs.acquireLeader()).held).toBe(true);
      expect(await b.dcs.releaseLeader()).toBe(false);
      expect((await a.dcs.readCluster()).leader?.name).toBe('pg1');
      expect(await a.dcs.releaseLeader()).toBe(true);
      expect((await a.dcs.readCluster()).leader).toBeUndefined();
      expect((await b.dcs.acquireLeader()).held).toBe(true);
    });

    it('never takes the key back through renewal once its lease is gone', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      expect((await a.dcs.acquireLeader()).held).toBe(true);
      const lease = (await a.dcs.readCluster()).leader!.lease;
      await admin.revokeLease(lease, T);
      expect((await a.dcs.renewLeader()).held).toBe(false);
      expect((await a.dcs.readCluster()).leader).toBeUndefined();
      expect((await b.dcs.acquireLeader()).held).toBe(true);
      expect((await a.dcs.renewLeader()).held).toBe(false);
      expect((await a.dcs.readCluster()).leader?.name).toBe('pg2');
    });

    it('moves the leader key to a new lease when the ttl changes', async () => {
      fresh();
      const a = await node('pg1', { ttl: 10, retry_timeout: 2 });
      expect((await a.dcs.acquireLeader()).held).toBe(true);
      const first = (await a.dcs.readCluster()).leader!;
      a.setTiming({ ttl: 20, retry_timeout: 2 });
      await a.dcs.touchMember(member('pg1', 5432));
      expect((await a.dcs.renewLeader()).held).toBe(true);
      const second = (await a.dcs.readCluster()).leader!;
      expect(second.lease).not.toBe(first.lease);
      expect(await admin.keepAlive(second.lease, T)).toBe(20);
      expect((await a.dcs.renewLeader()).held).toBe(true);
      expect((await a.dcs.readCluster()).leader!.modRevision).toBe(second.modRevision);
    });

    it('publishes the member key, and writes it again only when it changes', async () => {
      fresh();
      const a = await node('pg1');
      const record = member('pg1', 5432);
      await a.dcs.touchMember(record);
      const first = await a.dcs.readCluster();
      expect(first.members).toEqual([{ name: 'pg1', record: { ...record, tags: undefined }, lease: expect.any(String) }]);
      await a.dcs.touchMember(record);
      expect((await a.dcs.readCluster()).revision).toBe(first.revision);
      await a.dcs.touchMember({ ...record, xlog_location: 200, tags: { nofailover: true } });
      const second = await a.dcs.readCluster();
      expect(second.members[0]?.record).toMatchObject({ xlog_location: 200, tags: { nofailover: true } });
    });

    it('lets one member win the bootstrap race and record the system identifier', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      expect(await a.dcs.claimInitialize()).toBe(true);
      expect(await b.dcs.claimInitialize()).toBe(false);
      expect((await a.dcs.readCluster()).initialize).toBe('');
      await a.dcs.abandonInitialize();
      expect((await a.dcs.readCluster()).initialize).toBeUndefined();
      expect(await b.dcs.claimInitialize()).toBe(true);
      await b.dcs.writeInitialize('7711234567890123456');
      await a.dcs.abandonInitialize();
      expect((await a.dcs.readCluster()).initialize).toBe('7711234567890123456');
    });

    it('writes config, failover and sync with compare-and-swap on their revision', async () => {
      fresh();
      const a = await node('pg1');
      expect(await a.dcs.writeConfig({ ttl: 10, loop_wait: 2 }, 0)).toBe(true);
      expect(await a.dcs.writeConfig({ ttl: 99 }, 0)).toBe(false);
      const { config } = await a.dcs.readCluster();
      expect(config?.value).toEqual({ ttl: 10, loop_wait: 2 });
      expect(await a.dcs.writeConfig({ ttl: 12 }, config!.modRevision)).toBe(true);
      expect(await a.dcs.writeConfig({ ttl: 13 }, config!.modRevision)).toBe(false);
      await a.dcs.writeFailover({ leader: 'pg1', member: 'pg2' });
      await a.dcs.writeSync({ leader: 'pg1', sync_standby: 'pg2' });
      await a.dcs.writeStatus({ optime: 67108960 });
      await a.dcs.writeHistory([[1, 67109256, 'no recovery target specified', '2026-11-22T14:09:29+00:00', 'pg2']]);
      await a.dcs.writeFailsafe({ pg1: 'http://127.0.0.1:8008/patroni' });
      const state = await a.dcs.readCluster();
      expect(state.config?.value).toEqual({ ttl: 12 });
      expect(state.failover?.value).toEqual({ leader: 'pg1', member: 'pg2' });
      expect(state.sync?.value).toEqual({ leader: 'pg1', sync_standby: 'pg2' });
      expect(state.status).toEqual({ optime: 67108960 });
      expect(state.history).toEqual([[1, 67109256, 'no recovery target specified', '2026-11-22T14:09:29+00:00', 'pg2']]);
      expect(state.failsafe).toEqual({ pg1: 'http://127.0.0.1:8008/patroni' });
      expect(await a.dcs.writeFailover({}, state.failover!.modRevision)).toBe(true);
      expect((await a.dcs.readCluster()).failover?.value).toEqual({});
    });

    it('reserves timelines with compare-and-swap, outside Patroni\'s prefix', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      expect(await a.dcs.readTimelineReservation()).toBeUndefined();
      expect(await a.dcs.reserveTimeline(2, 0)).toBe(true);
      expect(await b.dcs.reserveTimeline(2, 0)).toBe(false);
      const reserved = await b.dcs.readTimelineReservation();
      expect(reserved?.value).toBe(2);
      expect(await b.dcs.reserveTimeline(3, reserved!.modRevision)).toBe(true);
      expect(await a.dcs.reserveTimeline(3, reserved!.modRevision)).toBe(false);
      expect((await a.dcs.readTimelineReservation())?.value).toBe(3);
      expect(layout.timelineReservation.startsWith(layout.prefix)).toBe(false);
      expect((await a.dcs.readCluster()).members).toEqual([]);
    });

    it('reads values other tools wrote badly without failing', async () => {
      fresh();
      const a = await node('pg1');
      const put = (key: string, value: string) => admin.txn([], [{ put: { key, value } }], [], T);
      await put(layout.member('odd'), 'not json');
      await put(layout.config, '[1,2]');
      await put(layout.status, '67108960');
      await put(layout.history, '{"x":1}');
      const state = await a.dcs.readCluster();
      expect(state.members).toEqual([{ name: 'odd', record: { conn_url: '', api_url: '', state: '', role: '', version: '', tags: undefined }, lease: '0' }]);
      expect(state.config).toBeUndefined();
      expect(state.status).toEqual({ optime: 67108960 });
      expect(state.history).toEqual([]);
    });

    it('wakes a watcher when the leader key changes', async () => {
      fresh();
      const a = await node('pg1');
      const b = await node('pg2');
      const seen: string[] = [];
      const stop = b.dcs.watch((keys) => seen.push(...keys));
      try {
        await waitFor('the watch to see the leader key', async () => {
          await a.dcs.acquireLeader();
          await a.dcs.releaseLeader();
          return seen.includes(layout.leader);
        }, 5000, 200);
      } finally {
        stop();
      }
    });
  });
}
