// Rules that act before anything else: an expired lease, an unreachable etcd, a running task.
import { NONE } from '../decision.js';
import { isRunningPrimary, leaderName, type Snapshot } from '../snapshot.js';
import { verdict, type HaRule } from './ha-rule.js';

/**
 * A primary whose lease belief ran out (say, the host was frozen) stops taking writes at once,
 * before any etcd I/O; in a paused cluster nobody else is promoted, so it runs on.
 */
export const stalePrimary: HaRule = {
  name: 'stale-primary',
  decide: (s) =>
    !s.settings.pause && isRunningPrimary(s.postgres) && s.leadership !== undefined && s.leadership.validUntil <= s.now
      ? verdict({ kind: 'demote', mode: 'immediate-nolock' }, 'demoting: my leader lease ran out without a renewal')
      : undefined,
};

/**
 * Failsafe mode: a primary cut off from etcd asks every member to confirm it, and stays primary
 * while all do (each then counts it as the leader for ttl); one that does not confirm it demotes it.
 */
export const failsafePrimary: HaRule = {
  name: 'failsafe-primary',
  decide(s) {
    if (s.cluster !== undefined || !s.settings.failsafeMode || s.settings.pause || !isRunningPrimary(s.postgres) || s.leadership === undefined || s.task?.kind === 'demote') return undefined;
    if (s.failsafe === undefined) return verdict({ kind: 'confirm-failsafe' }, 'etcd is unreachable: asking every member to confirm me as the primary (failsafe mode)');
    if (s.failsafe.confirmed) return verdict(NONE, `etcd is unreachable; I stay the primary in failsafe mode: ${s.failsafe.reason}`);
    return verdict({ kind: 'demote', mode: 'offline' }, `demoting: etcd is unreachable and failsafe mode cannot keep me primary: ${s.failsafe.reason}`);
  },
};

export const etcdUnreachable: HaRule = {
  name: 'etcd-unreachable',
  decide(s) {
    if (s.cluster !== undefined) return undefined;
    if (isRunningPrimary(s.postgres) && s.settings.pause) return verdict(NONE, 'etcd is unreachable; PostgreSQL runs on as primary: the cluster is paused');
    if (isRunningPrimary(s.postgres)) return verdict({ kind: 'demote', mode: 'offline' }, 'demoting: etcd is unreachable and I was the primary');
    return verdict(NONE, 'etcd is unreachable; nothing changes here until it answers');
  },
};

function holdsKey(s: Snapshot): boolean {
  return leaderName(s) === s.name;
}

export const taskInProgress: HaRule = {
  name: 'task-in-progress',
  decide(s) {
    if (!s.task) return undefined;
    const task = s.task.kind;
    if (s.renewalFailed && task !== 'demote' && !s.settings.pause) return verdict({ kind: 'demote', mode: 'immediate-nolock' }, `demoting: lost the leader lock during ${task}`);
    if (holdsKey(s) && !s.leadership?.renewedThisCycle && !s.renewalFailed) return verdict({ kind: 'renew-leader' }, `renewing the leader lock during ${task}`);
    return verdict(NONE, `${task} in progress`);
  },
};
