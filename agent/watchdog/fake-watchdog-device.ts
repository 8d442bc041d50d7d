// An in-memory watchdog on the agent's Clock, for the HA simulation and unit tests: it fires
// (calls onExpire) when the clock passes the last open or keepalive plus its timeout.
import type { Clock } from '../clock/clock.js';
import type { WatchdogDevice } from './watchdog-device.js';

export interface FakeWatchdogDeviceOptions {
  clock: Clock;
  timeoutSeconds: number;
  /** The host reset: called once each time the device fires. */
  onExpire: () => void;
  path?: string;
}

export class FakeWatchdogDevice implements WatchdogDevice {
  readonly path: string;
  /** The driver's timeout; tests change it to exercise the policy's checks. */
  timeoutSeconds: number;
  /** When set, inspect and open reject with this sentence: a missing or unusable device. */
  unusable: string | undefined;
  /** When set, keepalive and close reject with this sentence: a write that fails. */
  writeFailure: string | undefined;
  /** Keepalive bytes written, and times the device fired. */
  keepalives = 0;
  expiries = 0;
  private opened = false;
  private countdown: AbortController | undefined;

  constructor(private readonly options: FakeWatchdogDeviceOptions) {
    this.path = options.path ?? '/dev/watchdog';
    this.timeoutSeconds = options.timeoutSeconds;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** True while a countdown runs: open, or closed without the magic byte. */
  get armed(): boolean {
    return this.countdown !== undefined;
  }

  async inspect(): Promise<{ timeoutSeconds: number }> {
    if (this.unusable !== undefined) throw new Error(this.unusable);
    return { timeoutSeconds: this.timeoutSeconds };
  }

  async open(): Promise<{ timeoutSeconds: number }> {
    if (this.opened) return { timeoutSeconds: this.timeoutSeconds };
    const result = await this.inspect();
    this.opened = true;
    this.restartCountdown();
    return result;
  }

  async keepalive(): Promise<void> {
    if (!this.opened) throw new Error(`watchdog device ${this.path} is not open`);
    if (this.writeFailure !== undefined) throw new Error(this.writeFailure);
    this.keepalives += 1;
    this.restartCountdown();
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    if (this.writeFailure !== undefined) throw new Error(this.writeFailure);
    this.countdown?.abort();
    this.countdown = undefined;
  }

  async abandon(): Promise<void> {
    this.opened = false;
  }

  private restartCountdown(): void {
    this.countdown?.abort();
    const countdown = new AbortController();
    this.countdown = countdown;
    void this.options.clock.sleep(this.timeoutSeconds * 1000, countdown.signal).then(() => {
      if (countdown.signal.aborted) return;
      // The host resets: the countdown ends and the agent's open handle is gone with it.
      this.countdown = undefined;
      this.opened = false;
      this.expiries += 1;
      this.options.onExpire();
    });
  }
}
