// Rules for the member whose name is on the leader key.
import { NONE } from '../decision.js';
import { promotable } from '../leader-race.js';
import { isRunningPrimary, leaderName, type PeerStatus, type Snapshot } from '../snapshot.js';
import { verdict, type HaRule, type Verdict } from './ha-rule.js';

/** How long a switchover waits for its candidate to stream from us (a replica retries its connection every 5 s by default). */
export const HAND_OVER_WAIT_MS = 10_000;

const holdsKey = (s: Snapshot): boolean => leaderName(s) === s.name;
const renewed = (s: Snapshot): boolean => holdsKey(s) && s.leadership?.renewedThisCycle === true;

export const lockTakenByOther: HaRule = {
  name: 'lock-taken-by-other',
  decide(s) {
    const leader = leaderName(s);
    if (!isRunningPrimary(s.postgres) || leader === undefined || leader === s.name) return undefined;
    if (s.settings.pause) return verdict(NONE, `I run as primary while ${leader} holds the leader lock; nothing changes: the cluster is paused`);
    return verdict({ kind: 'demote', mode: 'immediate-nolock' }, `demoting: the leader lock belongs to ${leader}`);
  },
};

export const renewLock: HaRule = {
  name: 'renew-lock',
  decide: (s) =>
    holdsKey(s) && !s.leadership?.renewedThisCycle && !s.renewalFailed ? verdict({ kind: 'renew-leader' }, 'renewing the leader lock') : undefined,
};

export const renewalFailed: HaRule = {
  name: 'renewal-failed',
  decide(s) {
    if (!s.renewalFailed) return undefined;
    if (isRunningPrimary(s.postgres) && s.settings.pause) return verdict(NONE, 'the leader lock could not be renewed; PostgreSQL runs on as primary: the cluster is paused');
    if (isRunningPrimary(s.postgres)) return verdict({ kind: 'demote', mode: 'immediate-nolock' }, 'demoting: the leader lock could not be renewed');
    return verdict(NONE, 'the leader lock could not be renewed');
  },
};

/** Our PostgreSQL is down while we lead: restart it in place, or give up the lock after primary_start_timeout. */
export const leaderPostgresDown: HaRule = {
  name: 'leader-postgres-down',
  decide(s) {
    if (!renewed(s) || (s.postgres.process !== 'stopped' && s.postgres.process !== 'crashed')) return undefined;
    const downFor = s.primaryDownSince === undefined ? 0 : s.now - s.primaryDownSince;
    if (downFor >= s.settings.primaryStartTimeoutMs) {
      return verdict({ kind: 'release-leader' }, 'releasing the leader lock: PostgreSQL did not come back within primary_start_timeout');
    }
    if (s.postgres.inRecovery) return verdict({ kind: 'start-replica', leader: undefined }, 'starting PostgreSQL read-only before promoting it: I hold the leader lock');
    const refuse = (why: string): Verdict => verdict({ kind: 'release-leader' }, `releasing the leader lock instead of starting PostgreSQL as primary: I may not lead without a watchdog (${why})`);
    return unprotected(s, true, refuse) ?? verdict({ kind: 'start-primary' }, 'starting PostgreSQL again as primary: it stopped while I hold the leader lock');
  },
};

export const leaderPostgresStarting: HaRule = {
  name: 'leader-postgres-starting',
  decide: (s) => (renewed(s) && s.postgres.process === 'starting' ? verdict(NONE, 'waiting for PostgreSQL to accept connections') : undefined),
};

/** A switchover or failover request naming us as the one to step down. */
export const handOver: HaRule = {
  name: 'hand-over',
  decide(s) {
    const failover = s.cluster?.failover?.value;
    if (!renewed(s) || !isRunningPrimary(s.postgres) || (failover?.member === undefined && failover?.leader === undefined)) return undefined;
    if (failover.leader !== undefined && failover.leader !== s.name) {
      return verdict({ kind: 'clear-failover' }, `clearing a switchover request that names ${failover.leader} as the leader`);
    }
    if (failover.member === s.name) return verdict({ kind: 'clear-failover' }, 'clearing a switchover request to myself: I am already the leader');
    if (failover.member === undefined && s.settings.pause) return verdict({ kind: 'clear-failover' }, 'switchover refused: the cluster is paused, and then only a switchover to a named candidate is carried out');
    if (failover.scheduled_at !== undefined) {
      const due = Date.parse(failover.scheduled_at);
      if (Number.isNaN(due)) return verdict({ kind: 'clear-failover' }, 'clearing a switchover request with an unreadable scheduled_at');
      if (due - s.wallTime > s.settings.loopWaitMs) return verdict(NONE, `switchover scheduled at ${failover.scheduled_at}`);
      if (s.wallTime - due > 1.5 * s.settings.loopWaitMs) return verdict({ kind: 'clear-failover' }, `clearing a switchover scheduled at ${failover.scheduled_at}: it is too late`);
    }
    if (s.peers === undefined) return verdict({ kind: 'gather-peers' }, 'switchover requested: asking the candidates how far they are');
    const named = s.peers.filter((p) => p.name !== s.name && (failover.member === undefined || p.name === failover.member));
    const unfit = new Map(named.map((p) => [p.name, unfitToTakeOver(s, p)]));
    const eligible = named.filter((p) => unfit.get(p.name) === undefined);
    const who = failover.member ?? 'any member';
    if (eligible.length === 0) {
      const why = named.length === 0 ? `${who} is not a member` : named.map((p) => `${p.name} ${unfit.get(p.name)}`).join('; ');
      return verdict({ kind: 'clear-failover' }, `switchover refused: ${who} cannot take over now (${why})`);
    }
    // Only a replica streaming from us receives the WAL up to our shutdown checkpoint before we stop;
    // one still reconnecting (after a restart of ours, say) would be promoted behind us.
    const streaming = new Set((s.postgres.replication ?? []).filter((r) => r.state === 'streaming').map((r) => r.application_name));
    const ready = eligible.filter((p) => streaming.has(p.name));
    if (ready.length === 0) {
      const waited = s.switchoverPendingSince === undefined ? 0 : s.now - s.switchoverPendingSince;
      if (waited < HAND_OVER_WAIT_MS) return verdict(NONE, `switchover waiting: ${who} does not stream from me yet`);
      return verdict({ kind: 'clear-failover' }, `switchover refused: ${who} did not stream from me within ${HAND_OVER_WAIT_MS / 1000} s`);
    }
    return verdict({ kind: 'demote', mode: 'graceful' }, `switchover: stepping down for ${failover.member ?? ready.map((p) => p.name).join(' or ')}`);
  },
};

/** Why a peer may not take over from us in a switchover; undefined when it may. */
function unfitToTakeOver(s: Snapshot, peer: PeerStatus): string | undefined {
  if (!peer.reachable) return 'did not answer GET /patroni';
  if (peer.nofailover) return 'is tagged nofailover';
  if (peer.watchdogFailed) return 'has no usable watchdog';
  const allowed = promotable(s);
  if (allowed !== undefined && !allowed.includes(peer.name)) return 'is not a synchronous standby in the sync key';
  const behind = (s.cluster?.status?.optime ?? 0) - peer.walPosition;
  if (behind > s.settings.maximumLagOnFailover) return `lags ${behind} bytes, more than maximum_lag_on_failover`;
  return undefined;
}

/**
 * A member leads only with its watchdog armed, when it has one: it is armed once per cycle
 * until it is; in required mode, one that cannot be armed forbids leading (`refuse`), in
 * automatic mode the member leads without it (and tries again only at its next promotion).
 * A paused cluster runs without its watchdogs, as nothing fails over.
 */
function unprotected(s: Snapshot, promoting: boolean, refuse: (why: string) => Verdict): Verdict | undefined {
  const { watchdog } = s;
  if (watchdog.mode === 'off' || watchdog.armed || s.settings.pause) return undefined;
  const worthTrying = promoting || watchdog.mode === 'required' || watchdog.failure === undefined;
  if (!watchdog.triedThisCycle && worthTrying) return verdict({ kind: 'arm-watchdog' }, `arming the watchdog: I ${promoting ? 'am about to lead' : 'lead'} without it`);
  return watchdog.mode === 'required' ? refuse(watchdog.failure ?? 'it could not be armed') : undefined;
}

export const promote: HaRule = {
  name: 'promote',
  decide(s) {
    if (!renewed(s) || s.postgres.process !== 'running' || s.postgres.inRecovery !== true) return undefined;
    const refuse = (why: string): Verdict => verdict({ kind: 'release-leader' }, `releasing the leader lock instead of promoting: I may not lead without a watchdog (${why})`);
    return unprotected(s, true, refuse) ?? verdict({ kind: 'promote' }, 'promoting: I hold the leader lock');
  },
};

export const leaderWatchdog: HaRule = {
  name: 'leader-watchdog',
  decide(s) {
    if (!renewed(s) || !isRunningPrimary(s.postgres)) return undefined;
    const refuse = (why: string): Verdict => verdict({ kind: 'demote', mode: 'immediate' }, `demoting: I may not lead without a watchdog (${why})`);
    return unprotected(s, false, refuse);
  },
};

export const leaderSteady: HaRule = {
  name: 'leader-steady',
  decide: (s) => (renewed(s) && isRunningPrimary(s.postgres) ? verdict(NONE, `no action: I am ${s.name}, the leader with the lock`) : undefined),
};
