// Rules for members that do not lead: come back after a stop, race for a free key, follow.
import { NONE } from '../decision.js';
import { raceVerdict } from '../leader-race.js';
import { replicationSource } from '../replication-source.js';
import { leaderName, walPosition } from '../snapshot.js';
import { formatLsn } from '../../postgres/lsn.js';
import { verdict, type HaRule } from './ha-rule.js';

export const postgresStarting: HaRule = {
  name: 'postgres-starting',
  decide: (s) => (s.postgres.process === 'starting' ? verdict(NONE, 'waiting for PostgreSQL to accept connections') : undefined),
};

export const postgresDown: HaRule = {
  name: 'postgres-down',
  decide(s) {
    if (s.postgres.process !== 'stopped' && s.postgres.process !== 'crashed') return undefined;
    const leader = leaderName(s);
    if (leader !== undefined && leader !== s.name && s.wasPrimary) {
      if (!s.rewindFailed && s.settings.usePgRewind) return verdict({ kind: 'rewind', from: leader }, `rewinding with pg_rewind from ${leader}: I was a primary`);
      if (s.rewindFailed && s.settings.removeDataDirectoryOnRewindFailure) {
        return verdict({ kind: 'reinitialize', from: leader }, `cloning again from ${leader}: pg_rewind failed`);
      }
    }
    if (leader === undefined || leader === s.name) return verdict({ kind: 'start-replica', leader: undefined }, 'starting PostgreSQL as a replica: there is no leader to follow yet');
    return verdict({ kind: 'start-replica', leader }, `starting PostgreSQL as a replica of ${leader}`);
  },
};

export const leaderRace: HaRule = {
  name: 'leader-race',
  decide(s) {
    if (leaderName(s) !== undefined) return undefined;
    const others = s.cluster?.members.filter((m) => m.name !== s.name) ?? [];
    if (s.peers === undefined && others.length > 0 && s.postgres.inRecovery !== false) {
      return verdict({ kind: 'gather-peers' }, 'no leader: asking the other members how far they are');
    }
    const race = raceVerdict(s);
    if (race.healthiest) return verdict({ kind: 'acquire-leader' }, `no leader: taking the leader lock (${race.reason})`);
    return verdict(NONE, `no leader, and I do not race: ${race.reason}`);
  },
};

/**
 * A replica whose WAL went past the point where its timeline ended (a later timeline forked off
 * there, says `history`) can never follow the leader: PostgreSQL waits forever. It has writes the
 * cluster does not, e.g. a former primary whose last WAL never reached the member promoted
 * instead. pg_rewind takes it back to the fork point.
 */
export const divergedReplica: HaRule = {
  name: 'diverged-replica',
  decide(s) {
    const leader = leaderName(s);
    if (leader === undefined || leader === s.name || s.postgres.process !== 'running' || s.postgres.inRecovery !== true) return undefined;
    const timeline = s.postgres.timeline;
    const fork = s.cluster?.history.find((entry) => entry[0] === timeline);
    if (timeline === undefined || fork === undefined || walPosition(s.postgres) <= fork[1]) return undefined;
    const why = `my WAL on timeline ${timeline} went past ${formatLsn(fork[1])}, where timeline ${timeline + 1} forked off`;
    if (s.settings.usePgRewind && !s.rewindFailed) return verdict({ kind: 'rewind', from: leader }, `rewinding with pg_rewind from ${leader}: ${why}`);
    if (s.settings.removeDataDirectoryOnRewindFailure) return verdict({ kind: 'reinitialize', from: leader }, `cloning again from ${leader}: ${why}`);
    return verdict(NONE, `cannot follow ${leader}: ${why}; turn on use_pg_rewind, or reinitialize this member`);
  },
};

export const followLeader: HaRule = {
  name: 'follow-leader',
  decide(s) {
    const leader = leaderName(s);
    if (leader === undefined || leader === s.name || s.postgres.process !== 'running') return undefined;
    const target = replicationSource(s.cluster, leader);
    const upstream = s.postgres.upstream;
    if (target && (upstream?.host !== target.host || upstream.port !== target.port)) {
      return verdict({ kind: 'follow', leader }, `following the new leader ${leader}`);
    }
    return verdict(NONE, `no action: I am ${s.name}, a replica following ${leader}`);
  },
};
