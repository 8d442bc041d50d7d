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

/** Why `timing` breaks the rule, naming the keys under `prefix` (e.g. "dcs."), or undefined. */
export function timingProblem(timing: LoopTiming, prefix: string): string | undefined {
  if (timingRuleHolds(timing)) return undefined;
  const { ttl, loop_wait, retry_timeout } = timing;
  return (
    `${prefix}loop_wait (${loop_wait}) + 2 * ${prefix}retry_timeout (${retry_timeout}) = ${loop_wait + 2 * retry_timeout} exceeds ${prefix}ttl (${ttl}): ` +
    'the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout'
  );
}

/** Seconds the watchdog waits before resetting the host: `ttl - safety_margin`, or half the ttl for -1. */
export function watchdogTimeout(ttl: number, safetyMargin: number): number {
  return safetyMargin === -1 ? Math.floor(ttl / 2) : ttl - safetyMargin;
}
