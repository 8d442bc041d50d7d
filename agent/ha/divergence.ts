// Whether a replica's WAL went where the leader's did not, so that it can never stream from it.
// Local readings only raise the question; the answer comes from the leader's own history, read
// from its PostgreSQL, and there is no answer while it cannot be asked. A replica whose WAL
// receiver is down must never be rewound, or copied again, on a guess.
import { formatLsn } from '../postgres/lsn.js';
import type { LeaderTimeline, Snapshot } from './snapshot.js';

/** The replica's replay position, where a divergence shows. */
function replayPosition(s: Snapshot): number {
  return s.postgres.replayedLsn ?? s.postgres.receivedLsn ?? 0;
}

/**
 * Whether to ask the leader: a running replica that does not stream, whose timeline is known
 * (not the control file's, which lags behind a switch), and that either ran as a primary since it
 * last rejoined or replayed past the point where `history` says its timeline ended.
 */
export function divergenceSuspected(s: Snapshot): boolean {
  const { postgres } = s;
  if (postgres.process !== 'running' || postgres.inRecovery !== true || postgres.replicationState === 'streaming') return false;
  if (postgres.timeline === undefined || postgres.timelineSource === 'control-file') return false;
  if (s.wasPrimary) return true;
  const fork = s.cluster?.history.find(([timeline]) => timeline === postgres.timeline);
  return fork !== undefined && replayPosition(s) > fork[1];
}

/** Why this replica cannot follow the leader, by the leader's own history; undefined when it can. */
export function divergence(s: Snapshot, leader: Extract<LeaderTimeline, { answered: true }>): string | undefined {
  const mine = s.postgres.timeline;
  if (mine === undefined || mine === leader.timeline) return undefined;
  if (mine > leader.timeline) return `my timeline ${mine} is past ${leader.leader}'s timeline ${leader.timeline}`;
  const fork = leader.history.find(([timeline]) => timeline === mine);
  if (fork === undefined) return `my timeline ${mine} is not in the history of ${leader.leader}'s timeline ${leader.timeline}`;
  const position = replayPosition(s);
  if (position <= fork[1]) return undefined;
  return `my WAL on timeline ${mine} went to ${formatLsn(position)}, past ${formatLsn(fork[1])}, where it ended in ${leader.leader}'s history`;
}
