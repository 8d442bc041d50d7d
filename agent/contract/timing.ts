// The timing rule every member relies on: the primary must notice that it cannot renew its
// leader key, and demote, before the key can expire and another member can be promoted.

export interface LoopTiming {
  ttl: number;
  loop_wait: number;
  retry_timeout: number;
}

/** Patroni's rule `loop_wait + 2 * retry_timeout <= ttl`. */
export function timingRuleHolds(timing: LoopTiming): boolean {
  return timing.loop_wait + 2 * timing.retry_timeout <= timing.ttl;
}

/** Seconds the watchdog waits before resetting the host: `ttl - safety_margin`, or half the ttl for -1. */
export function watchdogTimeout(ttl: number, safetyMargin: number): number {
  return safetyMargin === -1 ? Math.floor(ttl / 2) : ttl - safetyMargin;
}
