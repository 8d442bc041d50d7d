// The apply lock in etcd: a key under /pgha/<scope>/lock on a lease, created only when absent; a
// crashed apply's lock expires with its lease. The lease lives on the etcd client of the moment:
// once the apply moves etcd from plain HTTP to TLS, the client that took the lock no longer
// reaches it to keep its lease alive, so the key moves to a lease of the new client, on
// condition that it still holds this apply's value.
import type { Etcd3, Lease } from 'etcd3';
import type { ApplyLock, LockHolder, LockStore } from '../engine/apply-lock.js';

const LEASE_TTL_S = 30;

/**
 * `client` gives the etcd client of the moment: when this run turns etcd's authentication on,
 * the client that took the lock may no longer revoke its lease, and root deletes the key instead.
 */
export function etcdLockStore(client: () => Promise<Etcd3>, key: string, ttl = LEASE_TTL_S): LockStore {
  let pending: { etcd: Etcd3; lease: Lease; id: string } | undefined;
  return {
    name: key,
    async tryTake(me) {
      if (!pending) {
        const etcd = await client();
        const lease = etcd.lease(ttl);
        pending = { etcd, lease, id: await lease.grant() };
      }
      const { etcd, lease, id } = pending;
      const mine = JSON.stringify(me);
      const result = await etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(mine).lease(id)).else(etcd.get(key)).commit();
      if (result.succeeded) {
        pending = undefined;
        return { taken: heldLock(client, key, mine, { etcd, lease }, ttl) };
      }
      return { heldBy: JSON.parse(result.responses[0]?.response_range?.kvs[0]?.value.toString() ?? '{}') as LockHolder };
    },
    async abandon() {
      await pending?.lease.revoke();
      pending = undefined;
    },
  };
}

/** A taken lock: moved to each new client of the moment well within its lease's ttl, and released through the client of the moment. */
function heldLock(client: () => Promise<Etcd3>, key: string, mine: string, taken: { etcd: Etcd3; lease: Lease }, ttl: number): ApplyLock {
  let held = taken;
  let moving: Promise<void> = Promise.resolve();
  const moveToCurrentClient = async (): Promise<void> => {
    const current = await client();
    if (current === held.etcd) return;
    const lease = current.lease(ttl);
    const moved = await current.if(key, 'Value', '==', mine).then(current.put(key).value(mine).lease(await lease.grant())).commit();
    if (!moved.succeeded) {
      await lease.revoke().catch(() => undefined);
      return;
    }
    held.lease.release();
    held = { etcd: current, lease };
  };
  // A failed move is tried again at the next tick; the old lease still counts until its ttl.
  const timer = setInterval(() => {
    moving = moving.then(moveToCurrentClient).catch(() => undefined);
  }, (ttl * 1000) / 6);
  timer.unref();
  const deleteAsCurrent = async (): Promise<void> => {
    const current = await client();
    await current.if(key, 'Value', '==', mine).then(current.delete().key(key)).commit();
  };
  return {
    release: async () => {
      clearInterval(timer);
      await moving;
      await held.lease.revoke().catch(deleteAsCurrent).catch(() => undefined);
    },
  };
}
