// The apply lock: one apply at a time per cluster. Taking it is tried until it is free or the
// --lock-timeout has passed; where it lives (a key on an etcd lease, see transport/etcd-apply-lock)
// is the store's business.
import { hostname, userInfo } from 'node:os';
import { UserError } from '../user-error.js';

const RETRY_MS = 1000;

export interface LockHolder {
  holder: string;
  commit?: string;
  since: string;
}

export interface ApplyLock {
  release(): Promise<void>;
}

/** Where the lock lives. `tryTake` takes it for `me` when no one holds it, else says who does. */
export interface LockStore {
  /** What the lock is called in messages, e.g. its etcd key. */
  readonly name: string;
  tryTake(me: LockHolder): Promise<{ taken: ApplyLock } | { heldBy: LockHolder }>;
  /** Drops whatever the attempts that did not take it hold (an etcd lease). */
  abandon(): Promise<void>;
}

function describe(holder: LockHolder): string {
  return `${holder.holder}${holder.commit ? ` (spec commit ${holder.commit.slice(0, 12)})` : ''} since ${holder.since}`;
}

export async function acquireApplyLock(
  store: LockStore,
  options: { commit?: string; timeoutMs: number; now: () => Date; sleep: (ms: number) => Promise<void>; onWait?: (holder: string) => void },
): Promise<ApplyLock> {
  const me: LockHolder = { holder: `${userInfo().username}@${hostname()} pid ${process.pid}`, ...(options.commit && { commit: options.commit }), since: options.now().toISOString() };
  const deadline = options.now().getTime() + options.timeoutMs;
  let waiting = false;
  try {
    for (;;) {
      const attempt = await store.tryTake(me);
      if ('taken' in attempt) return attempt.taken;
      const remaining = deadline - options.now().getTime();
      if (remaining <= 0) {
        const advice = options.timeoutMs > 0 ? `it was still held after --lock-timeout ${Math.round(options.timeoutMs / 1000)} s` : 'wait for that apply to end, or pass --lock-timeout to wait for it';
        throw new UserError(`the apply lock ${store.name} is held by ${describe(attempt.heldBy)}; ${advice}`);
      }
      if (!waiting) options.onWait?.(describe(attempt.heldBy));
      waiting = true;
      await options.sleep(Math.min(RETRY_MS, remaining));
    }
  } catch (error) {
    await store.abandon().catch(() => undefined);
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot take the apply lock ${store.name}: ${(error as Error).message}`);
  }
}
