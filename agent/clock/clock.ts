// Time as the agent sees it. Leadership is a belief that expires on this clock, so it must be
// monotonic: wall-clock jumps (NTP, a suspended VM) must not extend or cut a lease.

export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Wall-clock time, for timestamps people read (history, logs). */
  wallTime(): Date;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallTime: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
