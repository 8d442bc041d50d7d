// What this member tells others after each cycle: its member key, the leader's WAL position in
// `status`, the members in `failsafe` (in failsafe mode) and the replication slots its replicas
// need (while it leads), and the NodeState the REST API answers from.
import type { Clock } from '../clock/clock.js';
import type { MemberRecord } from '../contract/dcs-records.js';
import type { Tags } from '../contract/schema-types.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import type { PostgresController, PostgresObservation } from '../postgres/postgres-controller.js';
import type { Watchdog } from '../watchdog/watchdog.js';
import type { ClusterView } from './cluster-view.js';
import type { Decision } from './decision.js';
import { failsafeTopology, sameTopology } from './failsafe.js';
import type { LoopMemory } from './loop-memory.js';
import { memberRecord, memberUrls, postgresStateName, type MemberAddresses } from './member-record.js';
import type { NodeState } from './node-state.js';
import { isRunningPrimary, type TaskKind } from './snapshot.js';

/** How often a leader syncs replication slots when the members have not changed. */
const SLOT_SYNC_MS = 30_000;

export interface PublisherDeps {
  name: string;
  scope: string;
  version: string;
  dcs: Dcs;
  postgres: PostgresController;
  clock: Clock;
  log: Logger;
  tags: Tags;
  addresses: MemberAddresses;
  view: ClusterView;
  memory: LoopMemory;
  watchdog: Watchdog;
  /** Receives the member's state, for the REST API. */
  publish(state: NodeState): void;
}

/** What the cycle adds to the observation. */
export interface CycleOutcome {
  task: TaskKind | undefined;
  lastDecision: Decision | undefined;
  lastCycleAt: number | undefined;
}

export class MemberPublisher {
  private published: NodeState | undefined;
  private slotsSynced: { key: string; at: number } | undefined;
  /** Set once this member, about to stop, asked to be released from synchronous duty. */
  private releasing = false;

  constructor(private readonly deps: PublisherDeps) {}

  /** Patroni's way for a standby about to stop: `nosync` and `sync_priority: 0`, so the leader stops waiting for it. */
  private tags(): Tags {
    return this.releasing ? { ...this.deps.tags, nosync: true, sync_priority: 0 } : this.deps.tags;
  }

  /** Publishes the member key again, tagged so that the leader releases it from synchronous duty. */
  async askForRelease(): Promise<void> {
    this.releasing = true;
    const postgres = this.published?.postgres;
    if (!postgres) return;
    await this.deps.dcs.touchMember(this.record(postgres, undefined)).catch(() => undefined);
  }

  private record(postgres: PostgresObservation, task: TaskKind | undefined): MemberRecord {
    return memberRecord(postgres, task, this.tags(), this.deps.addresses, this.deps.view.settings().pause);
  }

  async publish(postgres: PostgresObservation, outcome: CycleOutcome): Promise<void> {
    const { deps } = this;
    const { view, memory } = deps;
    const cluster = view.cluster;
    if (cluster) {
      const record = this.record(postgres, outcome.task);
      await deps.dcs.touchMember(record).catch((error: unknown) => deps.log.log('warn', `publishing the member key failed: ${String(error)}`));
      const leads = memory.leaderUntil !== undefined && memory.leaderUntil > deps.clock.now() && isRunningPrimary(postgres);
      if (leads && postgres.flushLsn !== undefined && cluster.status?.optime !== postgres.flushLsn) {
        await deps.dcs.writeStatus({ optime: postgres.flushLsn }).catch(() => undefined);
      }
      if (leads && view.settings().failsafeMode) {
        const topology = failsafeTopology(cluster, deps.name, memberUrls(deps.addresses).api_url);
        if (!sameTopology(cluster.failsafe, topology)) {
          await deps.dcs.writeFailsafe(topology).then(
            () => view.amend({ failsafe: topology }),
            () => undefined,
          );
        }
      }
      if (leads) await this.syncSlots();
    }
    this.published = {
      name: deps.name,
      scope: deps.scope,
      version: deps.version,
      postgres,
      postgresState: postgresStateName(postgres, outcome.task),
      // A demoting primary keeps its key until PostgreSQL is down, but no longer leads.
      leaderUntil: outcome.task === 'demote' ? undefined : memory.leaderUntil,
      cluster,
      clusterReadAt: view.readAt,
      dcsLastSeen: view.lastSeen,
      tags: deps.tags,
      settings: view.settings(),
      lastDecision: outcome.lastDecision,
      lastCycleAt: outcome.lastCycleAt,
      watchdog: deps.watchdog.status(),
      failsafeUntil: memory.failsafe?.until,
    };
    deps.publish(this.published);
  }

  /**
   * Leadership lost or given up mid-cycle is published at once: the end of the cycle is an
   * observation and an etcd write away, and meanwhile GET /primary must not answer 200 from
   * the state published while this member still led (another may be promoted by then).
   */
  withdrawLeadership(): void {
    this.deps.memory.leaderUntil = undefined;
    if (this.published?.leaderUntil !== undefined) {
      this.published = { ...this.published, leaderUntil: undefined };
      this.deps.publish(this.published);
    }
  }

  /** A slot per member on the primary: when the members change, and at least every SLOT_SYNC_MS against drift. */
  private async syncSlots(): Promise<void> {
    const { deps } = this;
    const names = (deps.view.cluster?.members ?? []).map((m) => m.name).filter((n) => n !== deps.name).sort();
    const key = names.join('\0');
    const now = deps.clock.now();
    if (key === this.slotsSynced?.key && now - this.slotsSynced.at < SLOT_SYNC_MS) return;
    try {
      await deps.postgres.syncReplicationSlots(names);
      this.slotsSynced = { key, at: now };
    } catch (error) {
      deps.log.log('warn', `replication slots: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
