// The apply lock: a key under /pgha/<scope>/lock on an etcd lease, created only when absent, so
// two applies never run at once; a crashed apply's lock expires with its lease. The lease lives
// on the etcd client of the moment: once the apply moves etcd from plain HTTP to TLS, the client
// that took the lock no longer reaches it to keep its lease alive, so the key moves to a lease of
// the new client, on condition that it still holds this apply's value.
import { hostname, userInfo } from 'node:os';
import type { Etcd3, Lease } from 'etcd3';
import { pghaLayout } from '../../agent/contract/dcs-layout.js';
import { UserError } from '../user-error.js';

const LEASE_TTL_S = 30;
const RETRY_MS = 1000;

export interface LockHolder {
  holder: string;
  commit?: string;
  since: string;
}

export interface ApplyLock {
  release(): Promise<void>;
}

function describe(holder: LockHolder): string {
  return `${holder.holder}${holder.commit ? ` (spec commit ${holder.commit.slice(0, 12)})` : ''} since ${holder.since}`;
}

/**
 * `client` gives the etcd client of the moment: when this run turns etcd's authentication on,
 * the client that took the lock may no longer revoke its lease, and root deletes the key instead.
 */
export async function acquireApplyLock(
  client: () => Promise<Etcd3>,
  scope: string,
  options: { commit?: string; timeoutMs: number; now: () => Date; sleep: (ms: number) => Promise<void>; leaseTtlS?: number; onWait?: (holder: string) => void },
): Promise<ApplyLock> {
  const ttl = options.leaseTtlS ?? LEASE_TTL_S;
  const key = pghaLayout(scope).lock;
  const me: LockHolder = { holder: `${userInfo().username}@${hostname()} pid ${process.pid}`, ...(options.commit && { commit: options.commit }), since: options.now().toISOString() };
  const deadline = options.now().getTime() + options.timeoutMs;
  let lease: Lease | undefined;
  let waiting = false;
  const etcd = await client();
  try {
    lease = etcd.lease(ttl);
    const leaseId = await lease.grant();
    for (;;) {
      const result = await etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(JSON.stringify(me)).lease(leaseId)).else(etcd.get(key)).commit();
      if (result.succeeded) return heldLock(client, key, JSON.stringify(me), { etcd, lease }, ttl);
      const text = result.responses[0]?.response_range?.kvs[0]?.value.toString() ?? '{}';
      const holder = JSON.parse(text) as LockHolder;
      const remaining = deadline - options.now().getTime();
      if (remaining <= 0) {
        const advice = options.timeoutMs > 0 ? `it was still held after --lock-timeout ${Math.round(options.timeoutMs / 1000)} s` : 'wait for that apply to end, or pass --lock-timeout to wait for it';
        throw new UserError(`the apply lock ${key} is held by ${describe(holder)}; ${advice}`);
      }
      if (!waiting) options.onWait?.(describe(holder));
      waiting = true;
      await options.sleep(Math.min(RETRY_MS, remaining));
    }
  } catch (error) {
    await lease?.revoke().catch(() => undefined);
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot take the apply lock ${key} in etcd: ${(error as Error).message}`);
  }
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
