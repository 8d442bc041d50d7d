// Rules for members that do not lead: come back after a stop, race for a free key, follow.
import { NONE } from '../decision.js';
import { raceVerdict } from '../leader-race.js';
import { replicationSource } from '../replication-source.js';
import { divergence, divergenceSuspected } from '../divergence.js';
import { leaderName } from '../snapshot.js';
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
    if (leader === undefined || leader === s.name) return verdict({ kind: 'start-replica', leader: undefined }, 'starting PostgreSQL as a replica: there is no leader to follow yet');
    if (s.wasPrimary && s.rewindFailed && s.settings.removeDataDirectoryOnRewindFailure) {
      return verdict({ kind: 'reinitialize', from: leader }, `building a new copy from ${leader} beside my data: pg_rewind from it failed`);
    }
    if (s.wasPrimary && !s.rewindFailed && s.settings.usePgRewind) {
      const inspected = s.leaderTimeline;
      if (inspected === undefined) return verdict({ kind: 'inspect-leader' }, `asking ${leader}'s PostgreSQL for its timeline: I was a primary`);
      if (inspected.answered) return verdict({ kind: 'rewind', from: leader }, `rewinding with pg_rewind from ${leader}: I was a primary`);
      return verdict(
        { kind: 'start-replica', leader },
        `starting PostgreSQL as a replica of ${leader}, not rewound yet: ${inspected.reason}; whether my WAL diverged is checked once it answers`,
      );
    }
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
 * A replica whose WAL went where the leader's did not can never follow it: PostgreSQL waits
 * forever. Say a former primary whose last WAL never reached the member promoted instead.
 * pg_rewind takes it back to the fork point, or, where that cannot work, a new copy replaces it.
 */
export const divergedReplica: HaRule = {
  name: 'diverged-replica',
  decide(s) {
    const leader = leaderName(s);
    if (leader === undefined || leader === s.name || !divergenceSuspected(s)) return undefined;
    if (s.leaderTimeline === undefined) return verdict({ kind: 'inspect-leader' }, `asking ${leader}'s PostgreSQL for its timeline: my WAL may have diverged from it`);
    if (!s.leaderTimeline.answered) return undefined;
    const why = divergence(s, s.leaderTimeline);
    if (why === undefined) return undefined;
    // pg_rewind stops a running PostgreSQL, which a paused cluster never does on its own.
    if (s.settings.pause) return verdict(NONE, `cannot follow ${leader}: ${why}; it is rewound once the cluster resumes`);
    if (s.settings.usePgRewind && !s.rewindFailed) return verdict({ kind: 'rewind', from: leader }, `rewinding with pg_rewind from ${leader}: ${why}`);
    const wipe = s.rewindFailed ? s.settings.removeDataDirectoryOnRewindFailure : s.settings.removeDataDirectoryOnDivergedTimelines;
    if (wipe) return verdict({ kind: 'reinitialize', from: leader }, `building a new copy from ${leader} beside my data: ${why}`);
    const remedy = s.rewindFailed ? 'pg_rewind failed; reinitialize this member' : 'turn on use_pg_rewind, or reinitialize this member';
    return verdict(NONE, `cannot follow ${leader}: ${why}; ${remedy}`);
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
