// Between cycles a leader watches its postmaster, so that a crash is acted on within
// POSTMASTER_POLL_MS, not loop_wait. The check reads /proc only: no SQL.
import type { Clock } from '../clock/clock.js';
import type { PostgresController } from '../postgres/postgres-controller.js';

const POSTMASTER_POLL_MS = 250;

/** Polls until `signal` aborts or the postmaster is gone, and then calls `onDeath` once. */
export async function watchPostmaster(clock: Clock, postgres: PostgresController, signal: AbortSignal, onDeath: () => void): Promise<void> {
  while (!signal.aborted) {
    await clock.sleep(POSTMASTER_POLL_MS, signal);
    if (!signal.aborted && !(await postgres.postmasterAlive().catch(() => true))) return onDeath();
  }
}
