// The HA loop's rules, in the order they are tried: the first that decides wins.
import { bootstrapInProgress, emptyDataDirectory, uninitializedCluster } from './bootstrap.js';
import { etcdUnreachable, failsafePrimary, stalePrimary, taskInProgress } from './guards.js';
import type { HaRule } from './ha-rule.js';
import { handOver, leaderPostgresDown, leaderPostgresStarting, leaderSteady, leaderWatchdog, lockTakenByOther, promote, renewalFailed, renewLock } from './leader.js';
import { pausedLeaderNotPrimary, pausedPostgresDown, pausedRace } from './paused.js';
import { synchronousReplication } from './synchronous.js';
import { divergedReplica, followLeader, leaderRace, postgresDown, postgresStarting } from './replica.js';

export const HA_RULES: readonly HaRule[] = [
  stalePrimary,
  failsafePrimary,
  etcdUnreachable,
  taskInProgress,
  uninitializedCluster,
  bootstrapInProgress,
  emptyDataDirectory,
  lockTakenByOther,
  pausedLeaderNotPrimary,
  renewLock,
  renewalFailed,
  leaderPostgresDown,
  leaderPostgresStarting,
  handOver,
  promote,
  leaderWatchdog,
  synchronousReplication,
  leaderSteady,
  postgresStarting,
  pausedPostgresDown,
  postgresDown,
  pausedRace,
  leaderRace,
  divergedReplica,
  followLeader,
];
