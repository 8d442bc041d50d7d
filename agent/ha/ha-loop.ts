// The HA loop: every cycle it reads etcd and PostgreSQL, asks the rules what to do, and does
// it. Steps on etcd (renew, acquire, release, asking peers) are carried out at once and the
// rules are asked again; actions on PostgreSQL start a task and end the cycle.
import type { NodeState } from '../api/node-state.js';
import type { Clock } from '../clock/clock.js';
import type { DynamicConfig, InitdbOption, Tags } from '../contract/schema-types.js';
import type { ClusterState, Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import type { PostgresController, PostgresObservation, PostgresSettings } from '../postgres/postgres-controller.js';
import { decide } from './decide.js';
import { isDcsAction, type Decision, type DcsAction, type PostgresAction } from './decision.js';
import { haSettings, type HaSettings } from './ha-settings.js';
import { taskFor, type TaskContext } from './ha-tasks.js';
import { freshMemory, type LoopMemory } from './loop-memory.js';
import { memberRecord, postgresStateName, type MemberAddresses } from './member-record.js';
import type { PeerSource } from './peer-source.js';
import { replicationSource } from './replication-source.js';
import { isRunningPrimary, type LeaderTimeline, type PeerStatus, type Snapshot, type TaskKind } from './snapshot.js';
import { TaskRunner, type TaskWork } from './task-runner.js';

export interface HaLoopOptions {
  name: string;
  scope: string;
  version: string;
  dcs: Dcs;
  postgres: PostgresController;
  peers: PeerSource;
  clock: Clock;
  log: Logger;
  tags: Tags;
  addresses: MemberAddresses;
  bootstrap: { dcs: DynamicConfig; initdb: InitdbOption[] };
  /** PostgreSQL settings for the current dynamic configuration. */
  postgresSettings(live: Record<string, unknown> | undefined): PostgresSettings;
  /** Receives the member's state after every cycle, for the REST API. */
  publish(state: NodeState): void;
}

/** Steps on etcd a cycle may take before it must end (renew, race, acquire, ...). */
const MAX_STEPS = 6;
/** How often a leader syncs replication slots when the members have not changed. */
const SLOT_SYNC_MS = 30_000;
/** How often a leader checks, between cycles, that its postmaster still lives. */
const POSTMASTER_POLL_MS = 250;
/** How long a demotion waits for a running task to notice it should stop. */
const CANCEL_TIMEOUT_MS = 5000;

/**
 * The keys whose change needs an answer now (a free or moved leader key, a switchover request, a
 * new configuration); members' and the status key's routine updates wait for the next cycle,
 * or every WAL position a member publishes would wake the whole cluster.
 */
const WAKING_KEYS = new Set(['leader', 'config', 'failover', 'initialize', 'sync']);

export function wakesTheLoop(key: string): boolean {
  return !key.includes('/members/') && WAKING_KEYS.has(key.slice(key.lastIndexOf('/') + 1));
}

/** What this cycle's steps learnt, for the next decision. */
interface CycleSteps {
  renewed: boolean;
  renewalFailed: boolean;
  peers: PeerStatus[] | undefined;
  leaderTimeline: LeaderTimeline | undefined;
}

export class HaLoop {
  private readonly memory: LoopMemory = freshMemory();
  private readonly tasks: TaskRunner;
  private cluster: ClusterState | undefined;
  private liveConfig: Record<string, unknown> | undefined;
  private clusterReadAt: number | undefined;
  private dcsLastSeen: number | undefined;
  private lastDecision: Decision | undefined;
  private lastCycleAt: number | undefined;
  /** What the REST API answers from: the last state this loop published. */
  private published: NodeState | undefined;
  private appliedSettings = '';
  private slotsSynced: { key: string; at: number } | undefined;
  private wakeUp = new AbortController();
  private stopped = false;

  constructor(private readonly options: HaLoopOptions) {
    this.tasks = new TaskRunner(options.clock, options.log, () => this.wake());
  }

  /** From the last dynamic configuration read from etcd, kept through an outage; the bootstrap one until then. */
  private settings(): HaSettings {
    return haSettings(this.liveConfig, this.options.bootstrap.dcs);
  }

  private taskContext(): TaskContext {
    const { name, dcs, postgres, clock, log, bootstrap } = this.options;
    return {
      name,
      dcs,
      postgres,
      clock,
      log,
      memory: this.memory,
      withdrawLeadership: () => this.withdrawLeadership(),
      cluster: () => this.cluster,
      ttlSeconds: () => this.settings().ttl,
      bootstrapConfig: bootstrap.dcs as unknown as Record<string, unknown>,
      initdb: bootstrap.initdb,
    };
  }

  /** The long action in progress, if any. */
  get runningTask(): { kind: TaskKind; since: number } | undefined {
    return this.tasks.running;
  }

  /**
   * Starts an action an operator asked for (a restart, a reinitialize) as the loop's task,
   * unless another one runs; resolves when it ends. The loop is woken when it does.
   */
  async runOperatorTask(kind: TaskKind, work: TaskWork): Promise<'done' | { busy: TaskKind }> {
    const running = this.tasks.running;
    if (running) return { busy: running.kind };
    this.tasks.start(kind, work);
    await this.tasks.settled();
    return 'done';
  }

  /** The work of a PostgreSQL action, for one an operator asked for. */
  workFor(action: PostgresAction): TaskWork {
    return taskFor(action, this.taskContext()).work;
  }

  /** Stops the running task (bounded wait), for a forced reinitialize. */
  cancelTask(): Promise<void> {
    return this.tasks.cancel(CANCEL_TIMEOUT_MS);
  }

  /** Forgets the PostgreSQL settings last applied, so the next cycle writes them again (SIGHUP, POST /reload). */
  reapplySettings(): void {
    this.appliedSettings = '';
    this.wake();
  }

  /** Until when (monotonic ms) this member believes it holds the leader key. */
  get leaderUntil(): number | undefined {
    return this.memory.leaderUntil;
  }

  /** Ends the current wait so the next cycle runs now (a watch event, an API request, a finished task). */
  wake(): void {
    this.wakeUp.abort();
  }

  /** Whether something asked for a cycle since the current one began. */
  get wakeRequested(): boolean {
    return this.wakeUp.signal.aborted;
  }

  private async readCluster(): Promise<void> {
    try {
      this.cluster = await this.options.dcs.readCluster();
      this.liveConfig = this.cluster.config?.value ?? this.liveConfig;
      this.clusterReadAt = this.options.clock.now();
      this.dcsLastSeen = Math.floor(this.options.clock.wallTime().getTime() / 1000);
    } catch (error) {
      this.cluster = undefined;
      this.options.log.log('warn', `etcd read failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async applyPostgresSettings(postgres: PostgresObservation): Promise<void> {
    if (postgres.dataDirectory !== 'initialized' || this.tasks.running) return;
    const settings = this.options.postgresSettings(this.liveConfig);
    const key = JSON.stringify(settings);
    if (key === this.appliedSettings) return;
    await this.options.postgres.configure(settings);
    this.appliedSettings = key;
  }

  private trackPrimary(postgres: PostgresObservation): void {
    const now = this.options.clock.now();
    // A data directory without standby.signal was a primary's, even if it is down right now.
    if (postgres.dataDirectory === 'initialized' && postgres.inRecovery === false) this.memory.wasPrimary = true;
    // Streaming proves that our WAL is a prefix of the upstream's: nothing to rewind any more.
    if (postgres.inRecovery === true && postgres.replicationState === 'streaming') this.memory.wasPrimary = false;
    const leads = this.cluster?.leader?.name === this.options.name;
    const down = postgres.process === 'stopped' || postgres.process === 'crashed';
    if (leads && down) this.memory.primaryDownSince ??= now;
    else this.memory.primaryDownSince = undefined;
    const request = this.cluster?.failover?.value;
    const due = request?.scheduled_at === undefined || Date.parse(request.scheduled_at) <= this.options.clock.wallTime().getTime();
    if (leads && (request?.member !== undefined || request?.leader !== undefined) && due) this.memory.switchoverPendingSince ??= now;
    else this.memory.switchoverPendingSince = undefined;
  }

  private snapshot(postgres: PostgresObservation, step: CycleSteps): Snapshot {
    const { clock, name, tags } = this.options;
    const leaderUntil = this.memory.leaderUntil;
    return {
      now: clock.now(),
      wallTime: clock.wallTime().getTime(),
      name,
      tags,
      settings: this.settings(),
      cluster: this.cluster,
      leadership: leaderUntil === undefined ? undefined : { validUntil: leaderUntil, renewedThisCycle: step.renewed },
      renewalFailed: step.renewalFailed,
      postgres,
      task: this.tasks.running,
      peers: step.peers,
      leaderTimeline: step.leaderTimeline,
      primaryDownSince: this.memory.primaryDownSince,
      switchoverPendingSince: this.memory.switchoverPendingSince,
      wasPrimary: this.memory.wasPrimary,
      rewindFailed: this.memory.rewindFailed,
    };
  }

  /** Carries out a step on etcd; returns what the next decision must know. */
  private async step(action: DcsAction, state: CycleSteps): Promise<void> {
    const { dcs } = this.options;
    const ttlMs = this.settings().ttl * 1000;
    switch (action.kind) {
      case 'renew-leader':
      case 'acquire-leader': {
        const claim = await (action.kind === 'renew-leader' ? dcs.renewLeader() : dcs.acquireLeader()).catch(() => ({ held: false as const }));
        if (claim.held) {
          this.memory.leaderUntil = claim.renewedAt + ttlMs;
          state.renewed = true;
          if (this.cluster) this.cluster = { ...this.cluster, leader: { name: this.options.name, lease: '', modRevision: 0 } };
          if (action.kind === 'acquire-leader' && this.cluster?.failover) {
            await dcs.writeFailover({}, this.cluster.failover.modRevision).catch(() => undefined);
            this.cluster = { ...this.cluster, failover: undefined };
          }
        } else {
          this.withdrawLeadership();
          if (action.kind === 'renew-leader') state.renewalFailed = true;
          else await this.readCluster();
        }
        return;
      }
      case 'release-leader':
        this.withdrawLeadership();
        await dcs.releaseLeader().catch(() => undefined);
        await this.readCluster();
        return;
      case 'clear-failover':
        if (this.cluster?.failover) await dcs.writeFailover({}, this.cluster.failover.modRevision).catch(() => undefined);
        await this.readCluster();
        return;
      case 'gather-peers': {
        const others = this.cluster?.members.filter((m) => m.name !== this.options.name) ?? [];
        state.peers = await this.options.peers.gather(others, Math.min(2000, this.settings().retry_timeout * 1000));
        return;
      }
      case 'inspect-leader':
        state.leaderTimeline = await this.inspectLeader();
        return;
    }
  }

  private async startTask(action: PostgresAction): Promise<void> {
    if (this.tasks.running) {
      if (action.kind !== 'demote') return;
      await this.tasks.cancel(CANCEL_TIMEOUT_MS);
      if (this.tasks.running) return;
    }
    const { kind, work } = taskFor(action, this.taskContext());
    this.tasks.start(kind, work);
  }

  /** One cycle of the loop. */
  async runCycle(): Promise<Decision> {
    const { log, clock } = this.options;
    this.wakeUp = new AbortController();
    await this.readCluster();
    let postgres = await this.options.postgres.observe();
    this.trackPrimary(postgres);
    await this.applyPostgresSettings(postgres).catch((error: unknown) => log.log('warn', `applying PostgreSQL settings failed: ${String(error)}`));
    const state: CycleSteps = { renewed: false, renewalFailed: false, peers: undefined, leaderTimeline: undefined };
    let decision = decide(this.snapshot(postgres, state));
    for (let steps = 0; isDcsAction(decision.action) && steps < MAX_STEPS; steps++) {
      log.log('debug', `${decision.rule}: ${decision.reason}`);
      await this.step(decision.action, state);
      decision = decide(this.snapshot(postgres, state));
    }
    if (decision.action.kind !== 'none' && !isDcsAction(decision.action)) await this.startTask(decision.action);
    if (decision.reason !== this.lastDecision?.reason || decision.action.kind !== 'none') log.log('info', decision.reason);
    this.lastDecision = decision;
    if (this.tasks.running) postgres = await this.options.postgres.observe();
    this.lastCycleAt = clock.now();
    await this.publish(postgres);
    return decision;
  }

  /** The leader's timeline from its PostgreSQL; not answered while it does not run as a primary. */
  private async inspectLeader(): Promise<LeaderTimeline> {
    const leader = this.cluster?.leader?.name ?? '';
    const record = this.cluster?.members.find((m) => m.name === leader)?.record;
    const source = replicationSource(this.cluster, leader);
    if (!source) return { leader, answered: false, reason: `${leader} publishes no usable conn_url` };
    if ((record?.role !== 'primary' && record?.role !== 'master') || record.state !== 'running') {
      return { leader, answered: false, reason: `${leader} does not run as a primary yet` };
    }
    try {
      return { leader, answered: true, ...(await this.options.postgres.sourceTimeline(source)) };
    } catch (error) {
      return { leader, answered: false, reason: `${leader}'s PostgreSQL does not answer (${error instanceof Error ? error.message : String(error)})` };
    }
  }

  /** A slot per member on the primary: when the members change, and at least every SLOT_SYNC_MS against drift. */
  private async syncSlots(): Promise<void> {
    const { options } = this;
    const names = (this.cluster?.members ?? []).map((m) => m.name).filter((n) => n !== options.name).sort();
    const key = names.join('\0');
    const now = options.clock.now();
    if (key === this.slotsSynced?.key && now - this.slotsSynced.at < SLOT_SYNC_MS) return;
    try {
      await options.postgres.syncReplicationSlots(names);
      this.slotsSynced = { key, at: now };
    } catch (error) {
      options.log.log('warn', `replication slots: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async publish(postgres: PostgresObservation): Promise<void> {
    const { options, memory } = this;
    const task = this.tasks.running?.kind;
    if (this.cluster) {
      const record = memberRecord(postgres, task, options.tags, options.addresses);
      await options.dcs.touchMember(record).catch((error: unknown) => options.log.log('warn', `publishing the member key failed: ${String(error)}`));
      const leads = memory.leaderUntil !== undefined && memory.leaderUntil > options.clock.now() && isRunningPrimary(postgres);
      if (leads && postgres.flushLsn !== undefined && this.cluster.status?.optime !== postgres.flushLsn) {
        await options.dcs.writeStatus({ optime: postgres.flushLsn }).catch(() => undefined);
      }
      if (leads) await this.syncSlots();
    }
    this.published = {
      name: options.name,
      scope: options.scope,
      version: options.version,
      postgres,
      postgresState: postgresStateName(postgres, task),
      // A demoting primary keeps its key until PostgreSQL is down, but no longer leads.
      leaderUntil: task === 'demote' ? undefined : memory.leaderUntil,
      cluster: this.cluster,
      clusterReadAt: this.clusterReadAt,
      dcsLastSeen: this.dcsLastSeen,
      tags: options.tags,
      settings: this.settings(),
      lastDecision: this.lastDecision,
      lastCycleAt: this.lastCycleAt,
    };
    options.publish(this.published);
  }

  /**
   * Leadership lost or given up mid-cycle is published at once: the end of the cycle is an
   * observation and an etcd write away, and meanwhile GET /primary must not answer 200 from
   * the state published while this member still led (another may be promoted by then).
   */
  private withdrawLeadership(): void {
    this.memory.leaderUntil = undefined;
    if (this.published?.leaderUntil !== undefined) {
      this.published = { ...this.published, leaderUntil: undefined };
      this.options.publish(this.published);
    }
  }

  /**
   * Sleeps until the next cycle is due or something wakes the loop. A leader also watches its
   * postmaster meanwhile, so a crash is acted on within POSTMASTER_POLL_MS, not loop_wait.
   */
  private async waitForNextCycle(ms: number): Promise<void> {
    const { clock, postgres } = this.options;
    const wake = this.wakeUp.signal;
    if (this.memory.leaderUntil === undefined) return clock.sleep(ms, wake);
    const done = new AbortController();
    const watch = async (): Promise<void> => {
      while (!done.signal.aborted && !wake.aborted) {
        await clock.sleep(POSTMASTER_POLL_MS, done.signal);
        if (!done.signal.aborted && !(await postgres.postmasterAlive().catch(() => true))) return this.wake();
      }
    };
    const watching = watch();
    await clock.sleep(ms, wake);
    done.abort();
    await watching;
  }

  /** Runs cycles every loop_wait until stop(); a wake() starts the next one at once. */
  async run(): Promise<void> {
    const { clock, log, dcs } = this.options;
    const unwatch = dcs.watch((keys) => {
      if (keys.some(wakesTheLoop)) this.wake();
    });
    try {
      while (!this.stopped) {
        const started = clock.now();
        await this.runCycle().catch((error: unknown) => log.log('error', `HA cycle failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
        if (this.stopped) break;
        const wait = started + this.settings().loop_wait * 1000 - clock.now();
        if (wait > 0) await this.waitForNextCycle(wait);
      }
    } finally {
      unwatch();
    }
  }

  /**
   * Ends the loop and stops PostgreSQL, as Patroni does on SIGTERM; a leader also deletes its
   * key at once, so a replica takes over without waiting for the key to expire.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.tasks.cancel(CANCEL_TIMEOUT_MS);
    const { postgres, dcs, log } = this.options;
    const leading = this.memory.leaderUntil !== undefined;
    this.withdrawLeadership();
    try {
      await postgres.stop('fast');
      if (leading && (await dcs.releaseLeader())) log.log('info', 'released the leader lock on shutdown');
    } catch (error) {
      log.log('error', `could not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
