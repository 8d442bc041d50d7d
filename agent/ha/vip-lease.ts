// Until when this member may hold the virtual address: the same belief that lets it take writes.
import type { PostgresObservation } from '../postgres/postgres-controller.js';
import { isRunningPrimary, type TaskKind } from './snapshot.js';

/**
 * Its lease belief, while PostgreSQL runs as a primary (so not before a promotion finished), no
 * demotion is under way and the cluster is not paused (a paused cluster runs without fencing);
 * undefined otherwise.
 */
export function vipLease(leaderUntil: number | undefined, now: number, postgres: PostgresObservation, paused: boolean, task: TaskKind | undefined): number | undefined {
  if (leaderUntil === undefined || leaderUntil <= now || paused || task === 'demote' || !isRunningPrimary(postgres)) return undefined;
  return leaderUntil;
}
