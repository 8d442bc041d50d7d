// The HA loop: every cycle it reads etcd and PostgreSQL, asks the rules what to do, and does
// it. Steps (renew, acquire, release, asking peers or the leader) are carried out at once and
// the rules are asked again; actions on PostgreSQL start a task and end the cycle. This file is
// the cycle driver; the view of the cluster, the steps, the task slot and what the member
// publishes each live in their own.
import type { Clock } from '../clock/clock.js';
import type { DynamicConfig, InitdbOption, Tags } from '../contract/schema-types.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import type { PostgresController, PostgresObservation, PostgresSettings } from '../postgres/postgres-controller.js';
import type { VipHolder } from '../vip/vip-holder.js';
import type { Watchdog } from '../watchdog/watchdog.js';
import { ClusterView } from './cluster-view.js';
import { promotionRuleOf } from './commit-rules.js';
import { NO_COMMIT_RULE, parseCommitRule, renderCommitRule } from '../postgres/synchronous-standby-names.js';
import { noStepsYet, StepExecutor, type CycleSteps } from './cycle-steps.js';
import { decide } from './decide.js';
import { isStepAction, type Decision } from './decision.js';
import { withConfirmedLeader, type FailsafeCall, type FailsafeConfirmations, type FailsafeVerdict } from './failsafe.js';
import type { TaskContext } from './ha-tasks.js';
import { LoopTasks } from './loop-tasks.js';
import { freshMemory, type LoopMemory } from './loop-memory.js';
import { MemberPublisher } from './member-publisher.js';
import { memberUrls, type MemberAddresses } from './member-record.js';
import type { NodeState } from './node-state.js';
import type { PeerSource } from './peer-source.js';
import { watchPostmaster } from './postmaster-watch.js';
import { isRunningPrimary, walPosition, type Snapshot } from './snapshot.js';
import { TaskRunner } from './task-runner.js';
import { vipLease } from './vip-lease.js';
import { watchdogTiming } from './watchdog-timing.js';

export interface HaLoopOptions {
  name: string;
  scope: string;
  version: string;
  dcs: Dcs;
  postgres: PostgresController;
  peers: PeerSource;
  /** POST /failsafe to the members, for a primary cut off from etcd in failsafe mode. */
  failsafe: FailsafeConfirmations;
  clock: Clock;
  log: Logger;
  tags: Tags;
  addresses: MemberAddresses;
  /** Armed while this member leads, fed after each renewal, disarmed when PostgreSQL has stopped. */
  watchdog: Watchdog;
  /** The virtual address, when the cluster has one: held while this member leads, fenced by the same belief. */
  vip?: VipHolder;
  bootstrap: { dcs: DynamicConfig; initdb: InitdbOption[] };
  /** PostgreSQL settings for the current dynamic configuration, and the synchronous_standby_names the leader sets. */
  postgresSettings(live: Record<string, unknown> | undefined, synchronousStandbyNames: string | undefined): PostgresSettings;
  /** Receives the member's state after every cycle, for the REST API. */
  publish(state: NodeState): void;
}

/** Steps a cycle may take before it must end (renew, race, acquire, ...). */
const MAX_STEPS = 6;
/** How often a stopping synchronous standby looks whether the leader released it. */
const RELEASE_POLL_MS = 250;

/**
 * The keys whose change needs an answer now (a free or moved leader key, a switchover request, a
 * new configuration); members' and the status key's routine updates wait for the next cycle,
 * or every WAL position a member publishes would wake the whole cluster.
 */
const WAKING_KEYS = new Set(['leader', 'config', 'failover', 'initialize', 'sync']);

export function wakesTheLoop(key: string): boolean {
  return !key.includes('/members/') && WAKING_KEYS.has(key.slice(key.lastIndexOf('/') + 1));
}

export class HaLoop {
  private readonly memory: LoopMemory = freshMemory();
  private readonly view: ClusterView;
  private readonly steps: StepExecutor;
  private readonly publisher: MemberPublisher;
  /** The task slot, which operators' requests use too. */
  readonly tasks: LoopTasks;
  /** The last decision line logged, so that an unchanged one is not logged every cycle. */
  private lastLine: string | undefined;
  private lastCycleAt: number | undefined;
  /** PostgreSQL as the last cycle saw it, for POST /failsafe between cycles. */
  private lastObservation: PostgresObservation | undefined;
  private appliedSettings = '';
  private wakeUp = new AbortController();
  private stopped = false;

  constructor(private readonly options: HaLoopOptions) {
    const { name, dcs, postgres, clock, log, watchdog } = options;
    this.view = new ClusterView({ dcs, clock, log, bootstrapConfig: options.bootstrap.dcs });
    this.publisher = new MemberPublisher({ ...options, view: this.view, memory: this.memory });
    const withdrawLeadership = (): void => {
      this.publisher.withdrawLeadership();
      void options.vip?.release('I no longer lead');
    };
    const applySettings = (): Promise<void> => this.applyPostgresSettings(true);
    const failsafeCall = (): FailsafeCall => ({ name, ...memberUrls(options.addresses) });
    this.steps = new StepExecutor({ name, dcs, postgres, peers: options.peers, failsafe: options.failsafe, failsafeCall, clock, view: this.view, memory: this.memory, withdrawLeadership, watchdog, log, applySettings });
    this.tasks = new LoopTasks(
      new TaskRunner(clock, log, () => this.wake()),
      () => this.taskContext(withdrawLeadership),
    );
  }

  private taskContext(withdrawLeadership: () => void): TaskContext {
    const { name, dcs, postgres, clock, log, bootstrap, watchdog } = this.options;
    return {
      name,
      dcs,
      postgres,
      clock,
      log,
      watchdog,
      memory: this.memory,
      withdrawLeadership,
      applySettings: () => this.applyPostgresSettings(true),
      leads: () => this.memory.leaderUntil !== undefined && this.memory.leaderUntil > clock.now(),
      cluster: () => this.view.cluster,
      settings: () => this.view.settings(),
      bootstrapConfig: bootstrap.dcs as unknown as Record<string, unknown>,
      initdb: bootstrap.initdb,
    };
  }

  /** Forgets the PostgreSQL settings last applied, so the next cycle writes them again (SIGHUP, POST /reload). */
  reapplySettings(): void {
    this.appliedSettings = '';
    this.wake();
  }

  /**
   * A primary cut off from etcd asks us to confirm it (POST /failsafe): unless failsafe mode is off
   * or we run a primary ourselves, it leads in our eyes for ttl while no one holds the leader key.
   */
  acceptFailsafe(call: FailsafeCall): FailsafeVerdict {
    const settings = this.view.settings();
    if (!settings.failsafeMode) return { kind: 'off' };
    const postgres = this.lastObservation;
    if (postgres !== undefined && isRunningPrimary(postgres)) return { kind: 'running-as-leader' };
    this.memory.failsafe = { until: this.options.clock.now() + settings.ttlMs, leader: call };
    return { kind: 'accepted', lsn: postgres === undefined ? 0 : walPosition(postgres) };
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

  /** Writes the configuration when it changed; between cycles only when `now` (a step or a task needs it applied). */
  private async applyPostgresSettings(now: boolean): Promise<void> {
    if (!now && this.tasks.running) return;
    const rule = this.memory.commitRule;
    const settings = this.options.postgresSettings(this.view.liveConfig, rule && renderCommitRule(rule));
    const key = JSON.stringify(settings);
    if (key === this.appliedSettings) return;
    await this.options.postgres.configure(settings);
    this.appliedSettings = key;
  }

  /**
   * The leader in synchronous mode owns synchronous_standby_names: after a restart of the agent it
   * takes over the value PostgreSQL runs with (its standbys have caught up once past the current
   * position). A member that does not lead leaves it to the configuration.
   */
  private trackCommitRule(postgres: PostgresObservation): void {
    const { memory } = this;
    if (!isRunningPrimary(postgres) || this.view.cluster?.leader?.name !== this.options.name) {
      if (!this.tasks.running) memory.commitRule = memory.commitRuleSince = undefined;
      return;
    }
    if (memory.commitRule !== undefined || this.view.settings().synchronousMode === 'off') return;
    memory.commitRule = parseCommitRule(postgres.synchronousStandbyNames ?? '') ?? NO_COMMIT_RULE;
    memory.commitRuleSince = postgres.flushLsn;
  }

  private trackPrimary(postgres: PostgresObservation): void {
    const { clock, name } = this.options;
    const now = clock.now();
    const cluster = this.view.cluster;
    // A data directory without standby.signal was a primary's, even if it is down right now.
    if (postgres.dataDirectory === 'initialized' && postgres.inRecovery === false) this.memory.wasPrimary = true;
    // Streaming proves that our WAL is a prefix of the upstream's: nothing to rewind any more.
    if (postgres.inRecovery === true && postgres.replicationState === 'streaming') this.memory.wasPrimary = false;
    if (postgres.process === 'running') this.memory.steppedDown = false;
    const leads = cluster?.leader?.name === name;
    const down = postgres.process === 'stopped' || postgres.process === 'crashed';
    if (leads && down) this.memory.primaryDownSince ??= now;
    else this.memory.primaryDownSince = undefined;
    const request = cluster?.failover?.value;
    const due = request?.scheduled_at === undefined || Date.parse(request.scheduled_at) <= clock.wallTime().getTime();
    if (leads && (request?.member !== undefined || request?.leader !== undefined) && due) this.memory.switchoverPendingSince ??= now;
    else this.memory.switchoverPendingSince = undefined;
  }

  private snapshot(postgres: PostgresObservation, steps: CycleSteps): Snapshot {
    const { clock, name, tags } = this.options;
    const { memory } = this;
    return {
      now: clock.now(),
      wallTime: clock.wallTime().getTime(),
      name,
      tags,
      settings: this.view.settings(),
      cluster: withConfirmedLeader(this.view.cluster, memory.failsafe, clock.now()),
      leadership: memory.leaderUntil === undefined ? undefined : { validUntil: memory.leaderUntil, renewedThisCycle: steps.renewed },
      renewalFailed: steps.renewalFailed,
      failsafe: steps.failsafe,
      postgres,
      task: this.tasks.running,
      peers: steps.peers,
      leaderTimeline: steps.leaderTimeline,
      watchdog: this.watchdogView(steps.watchdogTried),
      primaryDownSince: memory.primaryDownSince,
      switchoverPendingSince: memory.switchoverPendingSince,
      wasPrimary: memory.wasPrimary,
      steppedDown: memory.steppedDown,
      rewindFailed: memory.rewindFailed,
      commitRule: memory.commitRule,
      commitRuleSince: memory.commitRuleSince,
    };
  }

  private watchdogView(triedThisCycle: boolean): Snapshot['watchdog'] {
    const status = this.options.watchdog.status();
    return { mode: status.mode, armed: status.state === 'armed', ...(status.failure !== undefined ? { failure: status.failure } : {}), triedThisCycle };
  }

  /**
   * A member that does not lead, or no longer runs a primary, keeps no armed watchdog (once
   * PostgreSQL is down, a reset protects nothing), nor does any member of a paused cluster (no
   * one takes over, so there is nothing to fence); one that may lead learns whether it could arm
   * one, for its peers and its own race, without arming it.
   */
  private async tendWatchdog(postgres: PostgresObservation): Promise<void> {
    const { watchdog, log } = this.options;
    const armed = watchdog.status().state === 'armed';
    const leads = this.memory.leaderUntil !== undefined;
    const paused = this.view.settings().pause;
    if (armed && (paused || (!leads && !this.tasks.running && !isRunningPrimary(postgres)))) {
      const left = await watchdog.disable();
      const why = paused ? 'the cluster is paused' : 'I no longer lead';
      log.log(left === undefined ? 'info' : 'warn', left === undefined ? `watchdog disarmed: ${why}` : `watchdog may stay armed: ${left}`);
    }
    if (!armed) await watchdog.probe(watchdogTiming(this.view.settings()));
  }

  /** One cycle of the loop. */
  async runCycle(): Promise<Decision> {
    const { log, clock } = this.options;
    this.wakeUp = new AbortController();
    await this.steps.feedBeforeRead();
    await this.view.read();
    const steps = noStepsYet();
    // A leader renews, and feeds its watchdog, before it observes PostgreSQL: SQL that takes its
    // time (a promotion, a busy server) must not let the watchdog fire on a healthy leader.
    const leading = (this.memory.leaderUntil ?? 0) > clock.now() && this.view.cluster?.leader?.name === this.options.name;
    if (leading) await this.steps.run({ kind: 'renew-leader' }, steps);
    let postgres = await this.options.postgres.observe();
    this.lastObservation = postgres;
    this.trackPrimary(postgres);
    this.trackCommitRule(postgres);
    if (postgres.dataDirectory === 'initialized') await this.applyPostgresSettings(false).catch((error: unknown) => log.log('warn', `applying PostgreSQL settings failed: ${String(error)}`));
    await this.tendWatchdog(postgres);
    let decision = decide(this.snapshot(postgres, steps));
    for (let taken = 0; isStepAction(decision.action) && taken < MAX_STEPS; taken++) {
      log.log('debug', `${decision.rule}: ${decision.reason}`);
      await this.steps.run(decision.action, steps);
      decision = decide(this.snapshot(postgres, steps));
    }
    // The address goes before anything else a demotion does.
    if (decision.action.kind === 'demote') await this.options.vip?.release('demoting');
    if (decision.action.kind !== 'none' && !isStepAction(decision.action)) await this.tasks.startFor(decision.action);
    // Prefixed while paused, as Patroni's log lines are.
    const line = this.view.settings().pause ? `PAUSE: ${decision.reason}` : decision.reason;
    if (line !== this.lastLine || decision.action.kind !== 'none') log.log('info', line);
    this.lastLine = line;
    if (this.tasks.running) postgres = this.lastObservation = await this.options.postgres.observe();
    this.lastCycleAt = clock.now();
    await this.publisher.publish(postgres, { task: this.tasks.running?.kind, lastDecision: decision, lastCycleAt: this.lastCycleAt });
    await this.options.vip?.follow(vipLease(this.memory.leaderUntil, clock.now(), postgres, this.view.settings().pause, this.tasks.running?.kind));
    return decision;
  }

  /** Sleeps until the next cycle is due or something wakes the loop; a leader watches its postmaster meanwhile. */
  private async waitForNextCycle(ms: number): Promise<void> {
    const { clock, postgres } = this.options;
    const wake = this.wakeUp.signal;
    if (this.memory.leaderUntil === undefined) return clock.sleep(ms, wake);
    const done = new AbortController();
    const watching = watchPostmaster(clock, postgres, done.signal, () => this.wake());
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
        const wait = started + this.view.settings().loopWaitMs - clock.now();
        if (wait > 0) await this.waitForNextCycle(wait);
      }
    } finally {
      unwatch();
    }
  }

  /**
   * A synchronous standby that stops asks the leader to release it first, so that commits do not
   * wait for it; it waits for that at most 2 × loop_wait.
   */
  private async askToBeReleased(): Promise<void> {
    const { name, clock } = this.options;
    const listed = (): boolean => promotionRuleOf(this.view.cluster?.sync?.value).standbys.includes(name);
    if (this.view.settings().synchronousMode === 'off' || this.memory.leaderUntil !== undefined || !listed()) return;
    await this.publisher.askForRelease();
    const deadline = clock.now() + 2 * this.view.settings().loopWaitMs;
    for (let polls = 0; polls < 100 && clock.now() < deadline && listed(); polls++) {
      await clock.sleep(RELEASE_POLL_MS);
      await this.view.read();
    }
    this.options.log.log('info', listed() ? 'stopping while still a synchronous standby: the leader did not release me in time' : 'released from synchronous duty');
  }

  /**
   * Ends the loop and stops PostgreSQL, as Patroni does on SIGTERM; a leader also deletes its
   * key at once, so a replica takes over without waiting for the key to expire. In a paused
   * cluster PostgreSQL runs on and the key stays (it expires with its lease).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.options.vip?.release('the agent stops');
    await this.tasks.cancel();
    if (this.view.settings().pause) {
      await this.options.watchdog.disable();
      this.options.log.log('info', 'stopping without stopping PostgreSQL: the cluster is paused');
      return;
    }
    await this.askToBeReleased();
    const { postgres, dcs, log } = this.options;
    const leading = this.memory.leaderUntil !== undefined;
    this.publisher.withdrawLeadership();
    try {
      await postgres.stop('fast');
      // Only once PostgreSQL is down: if it cannot be stopped, the armed watchdog resets the host.
      await this.options.watchdog.disable();
      if (leading && (await dcs.releaseLeader())) log.log('info', 'released the leader lock on shutdown');
    } catch (error) {
      log.log('error', `could not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
