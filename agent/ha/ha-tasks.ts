// The long actions on PostgreSQL that rules decide, each carried out step by step.
import type { Clock } from '../clock/clock.js';
import type { InitdbOption } from '../contract/schema-types.js';
import type { ClusterState, Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import type { PostgresController, ReplicationSource } from '../postgres/postgres-controller.js';
import type { Watchdog } from '../watchdog/watchdog.js';
import { ANY_STANDBY, NO_COMMIT_RULE } from '../postgres/synchronous-standby-names.js';
import type { PostgresAction } from './decision.js';
import type { HaSettings } from './ha-settings.js';
import { leaseDeadline } from './lease.js';
import { watchdogTiming } from './watchdog-timing.js';
import { DEMOTE_MODES } from './demote-modes.js';
import type { LoopMemory } from './loop-memory.js';
import { replicationSource } from './replication-source.js';
import type { TaskKind } from './snapshot.js';
import type { TaskWork } from './task-runner.js';

export interface TaskContext {
  name: string;
  dcs: Dcs;
  postgres: PostgresController;
  clock: Clock;
  log: Logger;
  memory: LoopMemory;
  watchdog: Watchdog;
  /** Forgets this member's leadership and publishes that at once, before PostgreSQL stops. */
  withdrawLeadership(): void;
  /** Whether this member's lease belief still holds, now. */
  leads(): boolean;
  /** Writes the PostgreSQL configuration for the current settings and commit rule, and reloads. */
  applySettings(): Promise<void>;
  /** The latest cluster view. */
  cluster(): ClusterState | undefined;
  settings(): HaSettings;
  /** The dynamic configuration written when this member creates the cluster. */
  bootstrapConfig: Record<string, unknown>;
  initdb: InitdbOption[];
}

function sourceOf(context: TaskContext, member: string): ReplicationSource {
  const source = replicationSource(context.cluster(), member);
  if (!source) throw new Error(`member ${member} publishes no usable conn_url`);
  return source;
}

function stopIfAborted(signal: AbortSignal, step: string): void {
  if (signal.aborted) throw new Error(`stopped before ${step}`);
}

async function bootstrap(context: TaskContext, signal: AbortSignal): Promise<void> {
  const { dcs, postgres, log, memory } = context;
  if (!(await dcs.claimInitialize())) {
    log.log('info', 'another member won the race to create the cluster');
    return;
  }
  try {
    stopIfAborted(signal, 'initdb');
    await postgres.bootstrap({ initdb: context.initdb });
    const { systemIdentifier } = await postgres.observe();
    if (!systemIdentifier) throw new Error('the new cluster reports no system identifier');
    const armed = await context.watchdog.activate(watchdogTiming(context.settings()));
    log.log(armed.level, armed.reason);
    if (!armed.ok) throw new Error(`the new cluster may not be led without a watchdog: ${armed.reason}`);
    await dcs.writeConfig(context.bootstrapConfig, 0);
    await dcs.writeInitialize(systemIdentifier);
    const claim = await dcs.acquireLeader();
    if (claim.held) memory.leaderUntil = leaseDeadline(claim.renewedAt, context.settings());
    memory.wasPrimary = true;
    log.log('info', `created the cluster (system identifier ${systemIdentifier})`);
  } catch (error) {
    await dcs.abandonInitialize().catch(() => undefined);
    await postgres.stop('immediate').catch(() => undefined);
    throw error;
  }
}

/** Every timeline the cluster is known to have reached: by its history, and by its members. */
function knownTimelines(cluster: ClusterState | undefined): number[] {
  return [...(cluster?.history ?? []).map(([timeline]) => timeline + 1), ...(cluster?.members ?? []).map((m) => m.record.timeline ?? 0)];
}

/**
 * Two promotions must never take the same timeline: a member promoted, then lost before anyone
 * streamed from it, would later look like it was on the new leader's timeline, and pg_rewind
 * (PostgreSQL 15 and older) compares only timeline ids. So the timeline is reserved in etcd
 * first, and PostgreSQL is made to go past every one taken.
 */
async function reserveNextTimeline(context: TaskContext, parent: number): Promise<number> {
  const { dcs, postgres } = context;
  const reservation = await dcs.readTimelineReservation();
  const taken = Math.max(parent, reservation?.value ?? 0, ...knownTimelines(context.cluster()));
  if (!(await dcs.reserveTimeline(taken + 1, reservation?.modRevision ?? 0))) throw new Error('another member reserved a timeline at the same moment');
  await postgres.reserveTimelines(taken);
  return taken + 1;
}

/**
 * In synchronous mode the new leader first takes the `sync` key with no standby named, so that no
 * former standby of the old leader may be promoted on the strength of it, and sets a commit rule
 * of its own: none (strict mode: any standby must confirm) until its duty chooses standbys.
 */
async function takeOverSynchronousReplication(context: TaskContext, since: number): Promise<void> {
  const { dcs, memory, name } = context;
  const settings = context.settings();
  if (settings.synchronousMode === 'off') return;
  const sync = context.cluster()?.sync;
  const record = { leader: name, sync_standby: null, ...(settings.synchronousMode === 'quorum' ? { quorum: 0 } : {}) };
  if (!(await dcs.writeSync(record, sync?.modRevision ?? 0))) throw new Error('the sync key changed while I was about to be promoted');
  memory.commitRule = settings.synchronousModeStrict ? ANY_STANDBY : NO_COMMIT_RULE;
  memory.commitRuleSince = since;
  await context.applySettings();
}

async function promote(context: TaskContext): Promise<void> {
  const { postgres, dcs, memory, clock, log } = context;
  const before = await postgres.observe();
  const parent = before.timeline ?? 1;
  const timeline = await reserveNextTimeline(context, parent);
  await takeOverSynchronousReplication(context, Math.max(before.receivedLsn ?? 0, before.replayedLsn ?? 0));
  // The loop may have been frozen since it decided: a lease that ran out meanwhile forbids it.
  if (!context.leads()) throw new Error('my leader lease ran out before PostgreSQL was promoted');
  await postgres.promote();
  memory.wasPrimary = true;
  // Until this checkpoint, pg_rewind on a former primary may read the old timeline from our control file.
  await postgres.checkpoint();
  const after = await postgres.observe();
  if (after.timeline !== timeline) log.log('warn', `promoted onto timeline ${after.timeline ?? 'unknown'}, not the reserved ${timeline}`);
  const history = context.cluster()?.history ?? [];
  const switchLsn = Math.max(before.receivedLsn ?? 0, before.replayedLsn ?? 0);
  await dcs.writeHistory([...history, [parent, switchLsn, 'no recovery target specified', clock.wallTime().toISOString(), context.name]]);
}

async function demote(context: TaskContext, mode: keyof typeof DEMOTE_MODES): Promise<void> {
  const { postgres, dcs, watchdog, log, memory } = context;
  const plan = DEMOTE_MODES[mode];
  context.withdrawLeadership();
  await postgres.stop(plan.stop, { checkpointFirst: plan.checkpointFirst });
  memory.steppedDown = true;
  // PostgreSQL has reached its shutdown safe point: it takes no more writes, nothing to fence.
  const left = await watchdog.disable();
  if (left !== undefined) log.log('warn', `watchdog may stay armed: ${left}`);
  if (plan.releaseLeader) {
    const { flushLsn } = await postgres.observe();
    if (flushLsn !== undefined) await dcs.writeStatus({ optime: flushLsn }).catch(() => undefined);
    await dcs.releaseLeader();
  }
  // The loop renews the key while PostgreSQL stops, which sets the lease belief again.
  context.withdrawLeadership();
}

async function rewind(context: TaskContext, from: string): Promise<void> {
  const { postgres, memory, log } = context;
  // A running replica that diverged is stopped first: pg_rewind needs a cleanly stopped instance.
  if ((await postgres.observe()).process === 'running') await postgres.stop('fast');
  const outcome = await postgres.rewindFrom(sourceOf(context, from));
  // Only a run that reached the source and failed says anything about our data.
  memory.rewindFailed = outcome === 'failed';
  if (outcome === 'rewound') memory.wasPrimary = false;
  else if (outcome === 'failed') log.log('warn', `pg_rewind from ${from} failed`);
  else log.log('warn', `pg_rewind could not reach a primary at ${from}; the data is as it was`);
}

async function clone(context: TaskContext, from: string, signal: AbortSignal): Promise<void> {
  const { postgres, memory } = context;
  await postgres.cloneFrom(sourceOf(context, from));
  memory.wasPrimary = false;
  memory.rewindFailed = false;
  stopIfAborted(signal, 'starting the new replica');
  const leader = context.cluster()?.leader?.name;
  await postgres.startReplica(leader ? (replicationSource(context.cluster(), leader) ?? null) : null);
}

async function reinitialize(context: TaskContext, from: string): Promise<void> {
  const { postgres, memory } = context;
  const source = sourceOf(context, from);
  if ((await postgres.observe()).process !== 'stopped') await postgres.stop('immediate');
  await postgres.recloneFrom(source);
  memory.wasPrimary = false;
  memory.rewindFailed = false;
}

/** The task kind and the work for a PostgreSQL action. */
export function taskFor(action: PostgresAction, context: TaskContext): { kind: TaskKind; work: TaskWork } {
  const { postgres } = context;
  switch (action.kind) {
    case 'bootstrap':
      return { kind: 'bootstrap', work: (signal) => bootstrap(context, signal) };
    case 'clone':
      return { kind: 'clone', work: (signal) => clone(context, action.from, signal) };
    case 'promote':
      return { kind: 'promote', work: () => promote(context) };
    case 'demote':
      return { kind: 'demote', work: () => demote(context, action.mode) };
    case 'start-primary':
      return { kind: 'start', work: () => postgres.startPrimary() };
    case 'start-replica':
      return { kind: 'start', work: () => postgres.startReplica(action.leader ? sourceOf(context, action.leader) : null) };
    case 'rewind':
      return { kind: 'rewind', work: () => rewind(context, action.from) };
    case 'reinitialize':
      return { kind: 'reinitialize', work: () => reinitialize(context, action.from) };
    case 'follow':
      return { kind: 'follow', work: () => postgres.follow(sourceOf(context, action.leader)) };
  }
}
