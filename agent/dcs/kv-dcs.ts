// Dcs over a KvBackend, with Patroni's etcd v3 semantics: one lease per member carrying its
// member key and, while it leads, the leader key; every leader write is a compare-and-swap.
import type { Clock } from '../clock/clock.js';
import type { DcsLayout } from '../contract/dcs-layout.js';
import {
  encodeRecord,
  parseConfig,
  parseFailover,
  parseFailsafe,
  parseHistory,
  parseMember,
  parseStatus,
  parseSync,
  type FailoverRecord,
  type HistoryEntry,
  type MemberRecord,
  type StatusRecord,
  type SyncRecord,
} from '../contract/dcs-records.js';
import type { ClusterState, Dcs, LeaderClaim, Versioned } from './dcs.js';
import { LeaseNotFoundError, type Compare, type KvBackend, type Operation } from './kv-backend.js';

export interface DcsTiming {
  /** Seconds: the TTL of this member's lease. */
  ttl: number;
  /** Seconds: the deadline of one DCS operation. */
  retry_timeout: number;
}

export interface KvDcsOptions {
  kv: KvBackend;
  layout: DcsLayout;
  /** This member's name. */
  name: string;
  clock: Clock;
  /** Read at every call, so a new dynamic configuration applies at once. */
  timing: () => DcsTiming;
}

interface OwnLease {
  id: string;
  ttl: number;
  /** Monotonic ms of the request that last proved it alive. */
  refreshedAt: number;
}

/** A lease proved alive this recently counts as refreshed (one refresh per cycle, not one per call). */
const FRESH_LEASE_MS = 500;

export class KvDcs implements Dcs {
  private lease: OwnLease | undefined;
  /** The member value last written, and the lease it was written on. */
  private published: { value: string; lease: string } | undefined;
  /** The lease our leader key was last put on, while we hold it. */
  private leaderLease: string | undefined;

  constructor(private readonly options: KvDcsOptions) {}

  private get kv(): KvBackend {
    return this.options.kv;
  }

  private get layout(): DcsLayout {
    return this.options.layout;
  }

  private timeoutMs(): number {
    return this.options.timing().retry_timeout * 1000;
  }

  /**
   * Keeps our lease alive, or grants a new one when it is gone or its TTL is outdated. A lease
   * refreshed moments ago (earlier in the same cycle) is not refreshed again, unless `force`:
   * a leader's renewal refreshes it always, since the watchdog is fed against that moment.
   */
  private async refreshLease(force = false): Promise<OwnLease> {
    const ttl = this.options.timing().ttl;
    const now = this.options.clock.now();
    const lease = this.lease;
    if (!force && lease && lease.ttl === ttl && now - lease.refreshedAt < FRESH_LEASE_MS) return lease;
    if (lease && lease.ttl === ttl && (await this.kv.keepAlive(lease.id, this.timeoutMs())) > 0) {
      lease.refreshedAt = now;
      return lease;
    }
    this.lease = { id: await this.kv.grantLease(ttl, this.timeoutMs()), ttl, refreshedAt: now };
    return this.lease;
  }

  private put(key: string, value: string, lease?: string): Promise<boolean> {
    return this.kv.txn([], [{ put: lease ? { key, value, lease } : { key, value } }], [], this.timeoutMs());
  }

  private conditionalPut(key: string, value: string, expectedRevision: number | undefined): Promise<boolean> {
    const compares: Compare[] = expectedRevision === undefined ? [] : [{ key, target: 'mod', equals: expectedRevision }];
    return this.kv.txn(compares, [{ put: { key, value } }], [], this.timeoutMs());
  }

  async readCluster(): Promise<ClusterState> {
    const { revision, kvs } = await this.kv.range(this.layout.prefix, this.timeoutMs());
    const state: ClusterState = { revision, members: [], history: [] };
    for (const kv of kvs) {
      const versioned = <T>(value: T) => ({ value, modRevision: kv.modRevision });
      if (kv.key.startsWith(this.layout.membersPrefix)) {
        state.members.push({ name: kv.key.slice(this.layout.membersPrefix.length), record: parseMember(kv.value), lease: kv.lease });
        continue;
      }
      switch (kv.key) {
        case this.layout.leader:
          state.leader = { name: kv.value, lease: kv.lease, modRevision: kv.modRevision };
          break;
        case this.layout.initialize:
          state.initialize = kv.value;
          break;
        case this.layout.config: {
          const config = parseConfig(kv.value);
          if (config) state.config = versioned(config);
          break;
        }
        case this.layout.status: {
          const status = parseStatus(kv.value);
          if (status) state.status = status;
          break;
        }
        case this.layout.sync: {
          const sync = parseSync(kv.value);
          if (sync) state.sync = versioned(sync);
          break;
        }
        case this.layout.failover:
          state.failover = versioned(parseFailover(kv.value));
          break;
        case this.layout.history:
          state.history = parseHistory(kv.value);
          break;
        case this.layout.failsafe:
          state.failsafe = parseFailsafe(kv.value);
          break;
      }
    }
    return state;
  }

  async touchMember(record: MemberRecord): Promise<void> {
    const value = encodeRecord(record);
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = await this.refreshLease();
      if (this.published?.value === value && this.published.lease === lease.id) return;
      try {
        await this.put(this.layout.member(this.options.name), value, lease.id);
        this.published = { value, lease: lease.id };
        return;
      } catch (error) {
        if (!(error instanceof LeaseNotFoundError)) throw error;
        this.lease = undefined;
      }
    }
  }

  async acquireLeader(): Promise<LeaderClaim> {
    const lease = await this.refreshLease();
    const key = this.layout.leader;
    const won = await this.kv.txn([{ key, target: 'create', equals: 0 }], [{ put: { key, value: this.options.name, lease: lease.id } }], [], this.timeoutMs());
    this.leaderLease = won ? lease.id : undefined;
    // The key lives at least as long as the lease: ttl from the request that last refreshed it.
    return won ? { held: true, renewedAt: lease.refreshedAt } : { held: false };
  }

  async renewLeader(): Promise<LeaderClaim> {
    const lease = await this.refreshLease(true);
    const key = this.layout.leader;
    // Our name on the key proves it is ours. When our lease was replaced (a new ttl) while the
    // key lives, the key moves to the new lease; when the old lease expired, so did the key.
    const move: Operation[] = this.leaderLease === lease.id ? [] : [{ put: { key, value: this.options.name, lease: lease.id } }];
    const ours = await this.kv.txn([{ key, target: 'value', equals: this.options.name }], move, [], this.timeoutMs());
    this.leaderLease = ours ? lease.id : undefined;
    return ours ? { held: true, renewedAt: lease.refreshedAt } : { held: false };
  }

  async releaseLeader(): Promise<boolean> {
    const key = this.layout.leader;
    this.leaderLease = undefined;
    return this.kv.txn([{ key, target: 'value', equals: this.options.name }], [{ delete: { key } }], [], this.timeoutMs());
  }

  claimInitialize(): Promise<boolean> {
    const key = this.layout.initialize;
    return this.kv.txn([{ key, target: 'create', equals: 0 }], [{ put: { key, value: '' } }], [], this.timeoutMs());
  }

  async writeInitialize(systemIdentifier: string): Promise<void> {
    await this.put(this.layout.initialize, systemIdentifier);
  }

  async abandonInitialize(): Promise<void> {
    const key = this.layout.initialize;
    await this.kv.txn([{ key, target: 'value', equals: '' }], [{ delete: { key } }], [], this.timeoutMs());
  }

  writeConfig(config: Record<string, unknown>, expectedRevision?: number): Promise<boolean> {
    return this.conditionalPut(this.layout.config, encodeRecord(config), expectedRevision);
  }

  writeFailover(failover: FailoverRecord, expectedRevision?: number): Promise<boolean> {
    return this.conditionalPut(this.layout.failover, encodeRecord(failover), expectedRevision);
  }

  writeSync(sync: SyncRecord, expectedRevision?: number): Promise<boolean> {
    return this.conditionalPut(this.layout.sync, encodeRecord(sync), expectedRevision);
  }

  clearSync(expectedRevision: number): Promise<boolean> {
    const key = this.layout.sync;
    return this.kv.txn([{ key, target: 'mod', equals: expectedRevision }], [{ delete: { key } }], [], this.timeoutMs());
  }

  async writeStatus(status: StatusRecord): Promise<void> {
    await this.put(this.layout.status, encodeRecord(status));
  }

  async writeHistory(history: HistoryEntry[]): Promise<void> {
    await this.put(this.layout.history, encodeRecord(history));
  }

  async writeFailsafe(failsafe: Record<string, string>): Promise<void> {
    await this.put(this.layout.failsafe, encodeRecord(failsafe));
  }

  async readTimelineReservation(): Promise<Versioned<number> | undefined> {
    const key = this.layout.timelineReservation;
    const found = (await this.kv.range(key, this.timeoutMs())).kvs.find((kv) => kv.key === key);
    const timeline = Number(found?.value);
    return found && Number.isInteger(timeline) && timeline > 0 ? { value: timeline, modRevision: found.modRevision } : undefined;
  }

  reserveTimeline(timeline: number, expectedRevision: number): Promise<boolean> {
    return this.conditionalPut(this.layout.timelineReservation, String(timeline), expectedRevision);
  }

  watch(listener: (keys: string[]) => void): () => void {
    return this.kv.watch(this.layout.prefix, listener);
  }

  close(): Promise<void> {
    return this.kv.close();
  }
}
