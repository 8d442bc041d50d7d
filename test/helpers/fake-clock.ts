// A clock that moves only when a test moves it, for simulations in which seconds pass instantly.
import type { Clock } from '../../agent/clock/clock.js';

interface Timer {
  at: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  constructor(private readonly epochMs = Date.parse('2026-11-23T00:00:00Z')) {}

  now(): number {
    return this.time;
  }

  wallTime(): Date {
    return new Date(this.epochMs + this.time);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer: Timer = { at: this.time + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking every sleeper whose time has come, and lets their work run. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const timer of due) timer.resolve();
    await settle();
  }
}

/** Lets every pending promise chain run (a few turns of the event loop). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
