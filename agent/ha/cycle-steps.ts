// The steps a cycle takes before it decides on PostgreSQL: renewing, taking or releasing the
// leader key (the watchdog is fed right after each successful renewal, and in failsafe mode after
// the members confirmed a primary cut off from etcd, and before each etcd read),
// clearing a switchover request, asking the peers how far they are, asking the leader's
// PostgreSQL for its timeline, arming the watchdog, asking the members to confirm a primary cut
// off from etcd (failsafe mode). Each is carried out at once, and the rules
// are asked again with what it learnt.
import type { Clock } from '../clock/clock.js';
import type { Dcs, LeaderClaim } from '../dcs/dcs.js';
import { DcsUnavailableError } from '../dcs/kv-backend.js';
import type { Logger } from '../logging/logger.js';
import type { PostgresController } from '../postgres/postgres-controller.js';
import type { ClusterView } from './cluster-view.js';
import type { StepAction } from './decision.js';
import { membersToConfirm, roundOutcome, type FailsafeCall, type FailsafeConfirmations, type FailsafeRound } from './failsafe.js';
import { leaseDeadline } from './lease.js';
import type { LoopMemory } from './loop-memory.js';
import type { PeerSource } from './peer-source.js';
import { replicationSource } from './replication-source.js';
import type { LeaderTimeline, PeerStatus } from './snapshot.js';
import type { Renewal, Watchdog } from '../watchdog/watchdog.js';
import { watchdogTiming } from './watchdog-timing.js';

/** What this cycle's steps learnt, for the next decision. */
export interface CycleSteps {
  renewed: boolean;
  renewalFailed: boolean;
  failsafe: FailsafeRound | undefined;
  peers: PeerStatus[] | undefined;
  leaderTimeline: LeaderTimeline | undefined;
  watchdogTried: boolean;
}

export function noStepsYet(): CycleSteps {
  return { renewed: false, renewalFailed: false, failsafe: undefined, peers: undefined, leaderTimeline: undefined, watchdogTried: false };
}

/** Peers get this long to answer, at most (and no more than retry_timeout). */
const PEER_TIMEOUT_MS = 2000;
/** Each POST /failsafe gets this long, and one more try, as in Patroni. */
const FAILSAFE_TIMEOUT_MS = 2000;

export interface StepDeps {
  name: string;
  dcs: Dcs;
  postgres: PostgresController;
  peers: PeerSource;
  failsafe: FailsafeConfirmations;
  /** What this member sends in POST /failsafe. */
  failsafeCall(): FailsafeCall;
  clock: Clock;
  view: ClusterView;
  memory: LoopMemory;
  watchdog: Watchdog;
  log: Logger;
  /** Writes the PostgreSQL configuration for the current settings and commit rule, and reloads. */
  applySettings(): Promise<void>;
  /** Forgets this member's leadership and publishes that at once. */
  withdrawLeadership(): void;
}

export class StepExecutor {
  constructor(private readonly deps: StepDeps) {}

  async run(action: StepAction, steps: CycleSteps): Promise<void> {
    const { dcs, view, memory, name } = this.deps;
    switch (action.kind) {
      case 'renew-leader':
      case 'acquire-leader': {
        const claim = await this.claim(action.kind);
        if (claim === undefined) return;
        if (!claim.held) {
          this.deps.withdrawLeadership();
          if (action.kind === 'renew-leader') steps.renewalFailed = true;
          else await view.read();
          return;
        }
        memory.leaderUntil = leaseDeadline(claim.renewedAt, view.settings());
        memory.failsafe = undefined;
        steps.renewed = true;
        await this.feedWatchdog({ renewedAt: claim.renewedAt, ttlMs: view.settings().ttlMs });
        view.amend({ leader: { name, lease: '', modRevision: 0 } });
        const failover = view.cluster?.failover;
        if (action.kind === 'acquire-leader' && failover) {
          // In a paused cluster the request keeps naming us until we are promoted: nothing else would let us lead.
          const keep = view.settings().pause && failover.value.member === name;
          await dcs.writeFailover(keep ? { member: name } : {}, failover.modRevision).catch(() => undefined);
          if (keep) await view.read();
          else view.amend({ failover: undefined });
        }
        return;
      }
      case 'release-leader':
        this.deps.withdrawLeadership();
        await dcs.releaseLeader().catch(() => undefined);
        await view.read();
        return;
      case 'clear-failover': {
        const failover = view.cluster?.failover;
        if (failover) await dcs.writeFailover({}, failover.modRevision).catch(() => undefined);
        await view.read();
        return;
      }
      case 'confirm-failsafe':
        steps.failsafe = await this.confirmFailsafe();
        return;
      case 'gather-peers': {
        const others = view.cluster?.members.filter((m) => m.name !== name) ?? [];
        steps.peers = await this.deps.peers.gather(others, Math.min(PEER_TIMEOUT_MS, view.settings().retryTimeoutMs));
        return;
      }
      case 'inspect-leader':
        steps.leaderTimeline = await this.inspectLeader();
        return;
      case 'write-sync':
        await dcs.writeSync(action.record, action.expectedRevision).catch(() => false);
        await view.read();
        return;
      case 'clear-sync':
        await dcs.clearSync(action.expectedRevision).catch(() => false);
        await view.read();
        return;
      case 'set-commit-rule':
        memory.commitRule = action.rule;
        memory.commitRuleSince = action.since;
        await this.deps.applySettings();
        return;
      case 'arm-watchdog': {
        steps.watchdogTried = true;
        const armed = await this.deps.watchdog.activate(watchdogTiming(view.settings()));
        this.deps.log.log(armed.level, armed.reason);
        // Its countdown runs from now, which may be late for the renewal this cycle began with:
        // a renewal sent after it puts the key's expiry beyond the reset.
        if (armed.armed && memory.leaderUntil !== undefined) await this.run({ kind: 'renew-leader' }, steps);
        return;
      }
    }
  }

  /**
   * The leader key's renewal or acquisition; undefined when, in failsafe mode, etcd did not answer
   * the renewal: that is no lost key, and the members may still keep us primary.
   */
  private async claim(kind: 'renew-leader' | 'acquire-leader'): Promise<LeaderClaim | undefined> {
    const { dcs, view } = this.deps;
    try {
      return await (kind === 'renew-leader' ? dcs.renewLeader() : dcs.acquireLeader());
    } catch (error) {
      if (kind !== 'renew-leader' || !(error instanceof DcsUnavailableError) || !view.settings().failsafeMode) return { held: false };
      view.lose();
      return undefined;
    }
  }

  /**
   * POST /failsafe to every member the last failsafe key lists. Confirmed by all, this member may
   * lead for ttl from when it asked: each of them counts it as the leader at least that long.
   */
  private async confirmFailsafe(): Promise<FailsafeRound> {
    const { view, memory, clock } = this.deps;
    const members = membersToConfirm(view.lastFailsafe, this.deps.name);
    if (typeof members === 'string') return { confirmed: false, reason: members };
    const askedAt = clock.now();
    // Two tries must end before our lease belief does: past it, we may not be primary anyway.
    const beliefLeft = (memory.leaderUntil ?? askedAt) - askedAt;
    const timeoutMs = Math.max(1, Math.floor(Math.min(FAILSAFE_TIMEOUT_MS, view.settings().retryTimeoutMs, beliefLeft / 2)));
    const answers = await this.deps.failsafe.ask(members, this.deps.failsafeCall(), timeoutMs);
    const round = roundOutcome(answers);
    if (!round.confirmed) return round;
    const ttlMs = view.settings().ttlMs;
    memory.leaderUntil = leaseDeadline(askedAt, view.settings());
    memory.failsafe = { until: memory.leaderUntil };
    await this.feedWatchdog({ renewedAt: askedAt, ttlMs });
    return round;
  }

  /**
   * In failsafe mode a leader feeds its watchdog before each read of etcd, for its last renewal
   * (the watchdog itself refuses once that is too old): a read that etcd never answers takes up to
   * retry_timeout, and the members must be asked before the host resets.
   */
  async feedBeforeRead(): Promise<void> {
    const { memory, view } = this.deps;
    const { ttlMs, failsafeMode } = view.settings();
    if (!failsafeMode || memory.leaderUntil === undefined) return;
    await this.feedWatchdog({ renewedAt: memory.leaderUntil - ttlMs, ttlMs }, false);
  }

  /** `sayWhenLate`: log a keepalive the watchdog refused because the renewal came too late. */
  private async feedWatchdog(renewal: Renewal, sayWhenLate = true): Promise<void> {
    const { watchdog, log } = this.deps;
    if (watchdog.status().state !== 'armed') return;
    const fed = await watchdog.keepalive(renewal);
    if (fed.reason !== undefined) log.log(fed.ok ? 'warn' : 'error', `watchdog keepalive failed: ${fed.reason}`);
    if (fed.skipped !== undefined && sayWhenLate) log.log('warn', `watchdog not fed: ${fed.skipped}`);
  }

  /** The leader's timeline from its PostgreSQL; not answered while it does not run as a primary. */
  private async inspectLeader(): Promise<LeaderTimeline> {
    const { cluster } = this.deps.view;
    const leader = cluster?.leader?.name ?? '';
    const record = cluster?.members.find((m) => m.name === leader)?.record;
    const source = replicationSource(cluster, leader);
    if (!source) return { leader, answered: false, reason: `${leader} publishes no usable conn_url` };
    if ((record?.role !== 'primary' && record?.role !== 'master') || record.state !== 'running') {
      return { leader, answered: false, reason: `${leader} does not run as a primary yet` };
    }
    try {
      return { leader, answered: true, ...(await this.deps.postgres.sourceTimeline(source)) };
    } catch (error) {
      return { leader, answered: false, reason: `${leader}'s PostgreSQL does not answer (${error instanceof Error ? error.message : String(error)})` };
    }
  }
}
