// An in-memory etcd: revisions, leases that expire on an injected clock, compare-and-swap
// transactions and prefix watches, as etcd v3 behaves for the operations we use. Several
// members share one store through their own clients, each of which can be cut off.
import type { Clock } from '../clock/clock.js';
import { DcsUnavailableError, LeaseNotFoundError, type Compare, type KeyValue, type KvBackend, type Operation, type RangeResult } from './kv-backend.js';

interface Lease {
  ttlSeconds: number;
  expiresAt: number;
}

type Watcher = { prefix: string; onChange: (keys: string[]) => void };

export class InMemoryKvStore {
  private revision = 1;
  private readonly data = new Map<string, KeyValue>();
  private readonly leases = new Map<string, Lease>();
  private readonly watchers = new Set<Watcher>();
  private nextLease = 0x1000;

  constructor(readonly clock: Clock) {}

  /** A client of this store, as one member's etcd connection. */
  client(): InMemoryKvClient {
    return new InMemoryKvClient(this);
  }

  /** Expires the leases whose time has come, deleting their keys, as etcd's lessor does. */
  expireLeases(): void {
    const now = this.clock.now();
    const expired = [...this.leases].filter(([, lease]) => lease.expiresAt <= now).map(([id]) => id);
    if (expired.length > 0) this.dropLeases(expired);
  }

  private dropLeases(ids: string[]): void {
    for (const id of ids) this.leases.delete(id);
    const keys = [...this.data.values()].filter((kv) => ids.includes(kv.lease)).map((kv) => kv.key);
    if (keys.length === 0) return;
    this.revision++;
    for (const key of keys) this.data.delete(key);
    this.notify(keys);
  }

  private notify(keys: string[]): void {
    for (const watcher of this.watchers) {
      const changed = keys.filter((key) => key.startsWith(watcher.prefix));
      if (changed.length > 0) queueMicrotask(() => watcher.onChange(changed));
    }
  }

  range(prefix: string): RangeResult {
    this.expireLeases();
    const kvs = [...this.data.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => a.key.localeCompare(b.key));
    return { revision: this.revision, kvs: kvs.map((kv) => ({ ...kv })) };
  }

  private holds(compare: Compare): boolean {
    const kv = this.data.get(compare.key);
    switch (compare.target) {
      case 'create':
        return (kv?.createRevision ?? 0) === compare.equals;
      case 'mod':
        return (kv?.modRevision ?? 0) === compare.equals;
      case 'value':
        return kv !== undefined && kv.value === compare.equals;
    }
  }

  txn(compares: Compare[], success: Operation[], failure: Operation[]): boolean {
    this.expireLeases();
    const succeeded = compares.every((c) => this.holds(c));
    const operations = succeeded ? success : failure;
    for (const op of operations) {
      if ('put' in op && op.put.lease && op.put.lease !== '0' && !this.leases.has(op.put.lease)) throw new LeaseNotFoundError(`lease ${op.put.lease} not found`);
    }
    const changed: string[] = [];
    const next = this.revision + 1;
    for (const op of operations) {
      if ('put' in op) {
        const existing = this.data.get(op.put.key);
        this.data.set(op.put.key, {
          key: op.put.key,
          value: op.put.value,
          createRevision: existing?.createRevision ?? next,
          modRevision: next,
          lease: op.put.lease ?? '0',
        });
        changed.push(op.put.key);
      } else if (this.data.delete(op.delete.key)) {
        changed.push(op.delete.key);
      }
    }
    if (changed.length > 0) {
      this.revision = next;
      this.notify(changed);
    }
    return succeeded;
  }

  grantLease(ttlSeconds: number): string {
    const id = (this.nextLease++).toString();
    this.leases.set(id, { ttlSeconds, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    return id;
  }

  keepAlive(id: string): number {
    this.expireLeases();
    const lease = this.leases.get(id);
    if (!lease) return 0;
    lease.expiresAt = this.clock.now() + lease.ttlSeconds * 1000;
    return lease.ttlSeconds;
  }

  revokeLease(id: string): void {
    if (this.leases.has(id)) this.dropLeases([id]);
  }

  watch(prefix: string, onChange: (keys: string[]) => void): () => void {
    const watcher = { prefix, onChange };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}

/**
 * One member's connection to an InMemoryKvStore; `reachable = false` cuts it off like a partition,
 * `answerDelayMs` makes it slow: etcd carries out each request at once, its answer comes that late.
 */
export class InMemoryKvClient implements KvBackend {
  reachable = true;
  answerDelayMs = 0;
  private readonly unwatchers = new Set<() => void>();

  constructor(private readonly store: InMemoryKvStore) {}

  private async call<T>(timeoutMs: number, operation: () => T): Promise<T> {
    if (!this.reachable) {
      await this.store.clock.sleep(timeoutMs);
      throw new DcsUnavailableError(`etcd did not answer within ${timeoutMs} ms`);
    }
    const result = operation();
    if (this.answerDelayMs > 0) {
      await this.store.clock.sleep(Math.min(this.answerDelayMs, timeoutMs));
      if (this.answerDelayMs >= timeoutMs) throw new DcsUnavailableError(`etcd did not answer within ${timeoutMs} ms`);
    }
    return result;
  }

  range(prefix: string, timeoutMs: number): Promise<RangeResult> {
    return this.call(timeoutMs, () => this.store.range(prefix));
  }

  txn(compares: Compare[], success: Operation[], failure: Operation[], timeoutMs: number): Promise<boolean> {
    return this.call(timeoutMs, () => this.store.txn(compares, success, failure));
  }

  grantLease(ttlSeconds: number, timeoutMs: number): Promise<string> {
    return this.call(timeoutMs, () => this.store.grantLease(ttlSeconds));
  }

  keepAlive(lease: string, timeoutMs: number): Promise<number> {
    return this.call(timeoutMs, () => this.store.keepAlive(lease));
  }

  revokeLease(lease: string, timeoutMs: number): Promise<void> {
    return this.call(timeoutMs, () => this.store.revokeLease(lease));
  }

  watch(prefix: string, onChange: (keys: string[]) => void): () => void {
    const stop = this.store.watch(prefix, (keys) => {
      if (this.reachable) onChange(keys);
    });
    this.unwatchers.add(stop);
    return () => {
      stop();
      this.unwatchers.delete(stop);
    };
  }

  async close(): Promise<void> {
    for (const stop of this.unwatchers) stop();
    this.unwatchers.clear();
  }
}
