// Rules for a paused cluster (maintenance mode, `pause: true` in the DCS config): the agent never
// starts, stops, promotes or demotes PostgreSQL on its own. The leader keeps its key only while
// its PostgreSQL runs as primary; replicas never race, except the candidate an operator named in
// a switchover; a primary that finds the key free takes it.
import { NONE } from '../decision.js';
import { isRunningPrimary, leaderName, type Snapshot } from '../snapshot.js';
import { verdict, type HaRule } from './ha-rule.js';

const paused = (s: Snapshot): boolean => s.settings.pause;

/** The member an operator's switchover or failover names, while the cluster is paused. */
const namedCandidate = (s: Snapshot): string | undefined => s.cluster?.failover?.value.member;

/** A leader whose PostgreSQL an operator stopped or demoted gives up its key, and nobody else starts or promotes one. */
export const pausedLeaderNotPrimary: HaRule = {
  name: 'paused-leader-not-primary',
  decide(s) {
    if (!paused(s) || leaderName(s) !== s.name || isRunningPrimary(s.postgres) || s.postgres.process === 'starting') return undefined;
    // The candidate of a paused switchover holds the key before it is promoted.
    if (namedCandidate(s) === s.name && s.postgres.process === 'running') return undefined;
    return verdict({ kind: 'release-leader' }, 'releasing the leader lock: the cluster is paused and my PostgreSQL does not run as primary');
  },
};

/** A PostgreSQL an operator stopped stays stopped; one this member stopped to step down comes back as a replica. */
export const pausedPostgresDown: HaRule = {
  name: 'paused-postgres-down',
  decide: (s) =>
    paused(s) && !s.steppedDown && (s.postgres.process === 'stopped' || s.postgres.process === 'crashed')
      ? verdict(NONE, 'PostgreSQL is not running and stays so: the cluster is paused')
      : undefined,
};

/** Without a leader: a running primary takes the key (the first wins), the named candidate races, nobody else does. */
export const pausedRace: HaRule = {
  name: 'paused-race',
  decide(s) {
    if (!paused(s) || leaderName(s) !== undefined) return undefined;
    if (isRunningPrimary(s.postgres)) return verdict({ kind: 'acquire-leader' }, 'no leader: taking the leader lock, since I run as primary in a paused cluster');
    if (namedCandidate(s) === s.name) return undefined;
    return verdict(NONE, 'no leader, and I do not race: the cluster is paused');
  },
};
