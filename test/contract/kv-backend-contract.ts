// The behaviour of etcd that the DCS relies on. Run against etcd itself and against the
// in-memory store, so the fast tests built on the store are worth trusting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseNotFoundError, type KvBackend } from '../../agent/dcs/kv-backend.js';
import { waitFor } from '../helpers/child-process.js';

export interface KvBackendHarness {
  /** A fresh client; every client of one harness sees the same data. */
  client(): Promise<KvBackend>;
  close(): Promise<void>;
}

const T = 2000;

export function describeKvBackendContract(name: string, start: () => Promise<KvBackendHarness>): void {
  describe(`KvBackend contract: ${name}`, () => {
    let harness: KvBackendHarness;
    let kv: KvBackend;
    let n = 0;
    const prefix = (): string => `/contract/${name}/${++n}/`;

    beforeAll(async () => {
      harness = await start();
      kv = await harness.client();
    });
    afterAll(async () => {
      await kv?.close();
      await harness?.close();
    });

    it('reads back what a transaction wrote, with create and mod revisions', async () => {
      const p = prefix();
      const before = (await kv.range(p, T)).revision;
      expect(await kv.txn([], [{ put: { key: `${p}a`, value: '1' } }, { put: { key: `${p}b`, value: '2' } }], [], T)).toBe(true);
      expect(await kv.txn([], [{ put: { key: `${p}a`, value: '3' } }], [], T)).toBe(true);
      const { revision, kvs } = await kv.range(p, T);
      expect(revision).toBe(before + 2);
      expect(kvs).toEqual([
        { key: `${p}a`, value: '3', createRevision: before + 1, modRevision: before + 2, lease: '0' },
        { key: `${p}b`, value: '2', createRevision: before + 1, modRevision: before + 1, lease: '0' },
      ]);
      expect((await kv.range(`${p}zz`, T)).kvs).toEqual([]);
    });

    it('creates a key only if it is absent', async () => {
      const key = `${prefix()}leader`;
      const create = () => kv.txn([{ key, target: 'create', equals: 0 }], [{ put: { key, value: 'me' } }], [], T);
      expect(await create()).toBe(true);
      expect(await create()).toBe(false);
    });

    it('deletes a key only if it still holds the expected value', async () => {
      const key = `${prefix()}leader`;
      await kv.txn([], [{ put: { key, value: 'pg1' } }], [], T);
      const release = (who: string) => kv.txn([{ key, target: 'value', equals: who }], [{ delete: { key } }], [], T);
      expect(await release('pg2')).toBe(false);
      expect(await release('pg1')).toBe(true);
      expect(await release('pg1')).toBe(false);
    });

    it('writes only if the mod revision is unchanged, and runs the failure branch otherwise', async () => {
      const p = prefix();
      const key = `${p}config`;
      await kv.txn([], [{ put: { key, value: 'v1' } }], [], T);
      const [current] = (await kv.range(key, T)).kvs;
      expect(await kv.txn([{ key, target: 'mod', equals: current!.modRevision }], [{ put: { key, value: 'v2' } }], [], T)).toBe(true);
      expect(await kv.txn([{ key, target: 'mod', equals: current!.modRevision }], [{ put: { key, value: 'v3' } }], [{ put: { key: `${p}lost`, value: 'x' } }], T)).toBe(false);
      expect((await kv.range(p, T)).kvs.map((x) => [x.key, x.value])).toEqual([
        [key, 'v2'],
        [`${p}lost`, 'x'],
      ]);
    });

    it('attaches keys to a lease, keeps it alive, and deletes them when it is revoked', async () => {
      const key = `${prefix()}member`;
      const lease = await kv.grantLease(10, T);
      await kv.txn([], [{ put: { key, value: 'up', lease } }], [], T);
      expect((await kv.range(key, T)).kvs[0]?.lease).toBe(lease);
      expect(await kv.keepAlive(lease, T)).toBe(10);
      await kv.revokeLease(lease, T);
      expect((await kv.range(key, T)).kvs).toEqual([]);
      expect(await kv.keepAlive(lease, T)).toBe(0);
    });

    it('refuses a put on a lease that does not exist', async () => {
      const key = `${prefix()}member`;
      const lease = await kv.grantLease(10, T);
      await kv.revokeLease(lease, T);
      await expect(kv.txn([], [{ put: { key, value: 'up', lease } }], [], T)).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it('expires a lease that is not kept alive, with its keys', async () => {
      const key = `${prefix()}member`;
      const lease = await kv.grantLease(2, T);
      await kv.txn([], [{ put: { key, value: 'up', lease } }], [], T);
      await waitFor('the lease to expire', async () => (await kv.range(key, T)).kvs.length === 0, 6000, 100);
      expect(await kv.keepAlive(lease, T)).toBe(0);
    });

    it('tells watchers which keys under their prefix changed', async () => {
      const p = prefix();
      const other = await harness.client();
      const seen: string[] = [];
      const stop = other.watch(p, (keys) => seen.push(...keys));
      try {
        // A watch may need a moment to be established on a real server.
        await waitFor('the watch to see a write', async () => {
          await kv.txn([], [{ put: { key: `${p}probe`, value: String(Date.now()) } }], [], T);
          return seen.includes(`${p}probe`);
        }, 5000, 200);
        await kv.txn([], [{ put: { key: `${p}leader`, value: 'pg1' } }, { put: { key: `${prefix()}elsewhere`, value: 'x' } }], [], T);
        await kv.txn([], [{ delete: { key: `${p}leader` } }], [], T);
        await waitFor('two changes of the leader key', () => seen.filter((k) => k === `${p}leader`).length === 2, 5000, 20);
        expect(seen.every((k) => k.startsWith(p))).toBe(true);
      } finally {
        stop();
        await other.close();
      }
    });
  });
}
