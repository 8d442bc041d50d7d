// The watchdog policy the HA loop holds (Patroni's §5): arm the device before leading, check
// that its timeout fires before the leader key can expire yet not between two cycles, feed it
// after each renewal, disarm it at demotion, and tell peers whether this member may lead.
import type { Clock } from '../clock/clock.js';
import { watchdogTimeout } from '../contract/timing.js';
import type { LogLevel } from '../logging/logger.js';
import { errorSentence } from './error-sentence.js';
import type { WatchdogDevice } from './watchdog-device.js';

export type WatchdogMode = 'off' | 'automatic' | 'required';

export interface WatchdogSettings {
  mode: WatchdogMode;
  /** Seconds between the watchdog firing and the leader key expiring; -1 for half the ttl. */
  safetyMargin: number;
}

export interface WatchdogTiming {
  ttl: number;
  loop_wait: number;
}

export interface ActivationResult {
  /** May this member lead? False only in required mode, when no fitting watchdog is armed. */
  ok: boolean;
  /** Whether the device is armed now, so the loop must feed it after each renewal. */
  armed: boolean;
  /** One sentence for the log. */
  reason: string;
  /** The level of that log line: warn when leading without the watchdog's guarantee, error when it may not lead. */
  level: LogLevel;
}

/** The renewal a keepalive follows: when its lease refresh was sent (monotonic ms), and the ttl it was sent with. */
export interface Renewal {
  renewedAt: number;
  ttlMs: number;
}

export interface KeepaliveResult {
  /** May this member keep leading? False only in required mode, when the keepalive could not be written. */
  ok: boolean;
  /** Why the keepalive could not be written, when it failed. */
  reason?: string;
  /** Why the keepalive was deliberately not written: the renewal it follows came too late. */
  skipped?: string;
}

export type WatchdogState = 'off' | 'disabled' | 'armed' | 'failed';

export interface WatchdogStatus {
  mode: WatchdogMode;
  state: WatchdogState;
  device: string;
  /** The driver's timeout, once read. */
  timeoutSeconds?: number;
  /** Wall time of the last keepalive written, ISO 8601. */
  lastKeepalive?: string;
  keepalives: number;
  /** Why the device was last found unusable. */
  failure?: string;
  /** Why the armed device does not guarantee a reset before the leader key expires (automatic mode). */
  warning?: string;
  /** Patroni's `watchdog_failed`: required mode, and the device is unusable, so this member must not lead. */
  failed: boolean;
}

export interface WatchdogDeps {
  device: WatchdogDevice;
  clock: Clock;
  settings: WatchdogSettings;
}

export class Watchdog {
  private timeoutSeconds: number | undefined;
  private lastKeepalive: Date | undefined;
  private keepalives = 0;
  private failure: string | undefined;
  private warning: string | undefined;

  constructor(private readonly deps: WatchdogDeps) {}

  /** Arms the device before leading (or re-checks an armed one against changed timing). */
  async activate(timing: WatchdogTiming): Promise<ActivationResult> {
    const { device, settings } = this.deps;
    if (settings.mode === 'off') return { ok: true, armed: false, level: 'debug', reason: 'running without a watchdog: watchdog.mode is off' };
    const { problem, warning } = await this.assess(timing, () => device.open());
    if (problem === undefined) {
      this.failure = undefined;
      this.warning = warning;
      return { ok: true, armed: true, level: warning ? 'warn' : 'info', reason: warning ?? `watchdog ${device.path} armed with a timeout of ${this.timeoutSeconds}s` };
    }
    const closing = await this.disable();
    this.failure = closing === undefined ? problem : `${problem}; ${closing}`;
    if (settings.mode === 'required') {
      return { ok: false, armed: false, level: 'error', reason: `may not lead without a watchdog (watchdog.mode required): ${this.failure}` };
    }
    return { ok: true, armed: false, level: 'warn', reason: `continuing without a watchdog (watchdog.mode automatic): ${this.failure}` };
  }

  /**
   * Feeds the armed device; call it right after each successful leader-key renewal. The key
   * cannot expire before renewedAt + ttl; a keepalive puts the reset at now + the timeout, so it
   * is written only while that stays at least half of ttl - timeout before the key's expiry:
   * after a renewal that took too long the reset stays where the last one put it.
   */
  async keepalive(renewal: Renewal): Promise<KeepaliveResult> {
    const { device, clock, settings } = this.deps;
    const required = settings.mode === 'required';
    if (!device.isOpen) {
      return required ? { ok: false, reason: `no watchdog is armed on ${device.path} (watchdog.mode required)` } : { ok: true };
    }
    const late = this.lateRenewal(renewal);
    if (late !== undefined) return { ok: true, skipped: late };
    try {
      await device.keepalive();
    } catch (error) {
      this.failure = errorSentence(error);
      return { ok: !required, reason: this.failure };
    }
    this.keepalives += 1;
    this.lastKeepalive = clock.wallTime();
    this.failure = undefined;
    return { ok: true };
  }

  /** Why a keepalive now would let the reset come too close to the key's expiry; undefined when it would not. */
  private lateRenewal({ renewedAt, ttlMs }: Renewal): string | undefined {
    const { timeoutSeconds } = this;
    if (timeoutSeconds === undefined) return undefined;
    // A driver slower than the ttl was accepted with a warning (automatic mode): no reset can come before the expiry anyway.
    const guardMs = (ttlMs - timeoutSeconds * 1000) / 2;
    if (guardMs <= 0) return undefined;
    const sinceRenewal = this.deps.clock.now() - renewedAt;
    if (sinceRenewal <= guardMs) return undefined;
    return `the leader key was renewed ${Math.round(sinceRenewal)} ms ago, more than half of ttl - watchdog timeout (${guardMs} ms), so the reset stays where the last keepalive put it`;
  }

  /**
   * Magic close: disarms the device (demotion at PostgreSQL's shutdown safe point, pause, clean
   * stop). Resolves undefined once disarmed or when nothing was armed, else why it may stay armed.
   */
  async disable(): Promise<string | undefined> {
    try {
      await this.deps.device.close();
    } catch (error) {
      this.failure = errorSentence(error);
      return this.failure;
    }
    this.warning = undefined;
    return undefined;
  }

  /** Closes without the magic byte, so the host resets after the timeout: for a stop that left PostgreSQL running. */
  async abandon(): Promise<void> {
    await this.deps.device.abandon();
  }

  /**
   * Checks, without arming anything, that the device could be armed for `timing`: what a member
   * that does not lead runs so that it can report `watchdog_failed` to its peers.
   */
  async probe(timing: WatchdogTiming): Promise<WatchdogStatus> {
    const { device, settings } = this.deps;
    if (settings.mode !== 'off' && !device.isOpen) this.failure = (await this.assess(timing, () => device.inspect())).problem;
    return this.status();
  }

  status(): WatchdogStatus {
    const { device, settings } = this.deps;
    const { mode } = settings;
    const state: WatchdogState = mode === 'off' ? 'off' : this.failure !== undefined ? 'failed' : device.isOpen ? 'armed' : 'disabled';
    return {
      mode,
      state,
      device: device.path,
      timeoutSeconds: this.timeoutSeconds,
      lastKeepalive: this.lastKeepalive?.toISOString(),
      keepalives: this.keepalives,
      failure: this.failure,
      warning: device.isOpen ? this.warning : undefined,
      failed: mode === 'required' && this.failure !== undefined,
    };
  }

  /**
   * Reads the device's timeout with `read` (which opens the device, or only inspects it) and
   * judges it against `timing`: a problem means the device must not be used.
   */
  private async assess(timing: WatchdogTiming, read: () => Promise<{ timeoutSeconds: number }>): Promise<{ problem?: string; warning?: string }> {
    const { device, settings } = this.deps;
    const wanted = watchdogTimeout(timing.ttl, settings.safetyMargin);
    const wantedText = settings.safetyMargin === -1 ? `half of ttl ${timing.ttl}` : `ttl ${timing.ttl} - safety_margin ${settings.safetyMargin}`;
    const betweenCycles = `shorter than loop_wait (${timing.loop_wait}s), so it would reset a healthy primary between two cycles`;
    if (wanted < timing.loop_wait) return { problem: `the watchdog timeout ${wantedText} = ${wanted}s is ${betweenCycles}` };
    try {
      this.timeoutSeconds = (await read()).timeoutSeconds;
    } catch (error) {
      return { problem: errorSentence(error) };
    }
    const actual = this.timeoutSeconds;
    if (actual < timing.loop_wait) return { problem: `watchdog timeout ${actual}s of ${device.path} is ${betweenCycles}` };
    if (actual <= wanted) return {};
    const late = `watchdog ${device.path} has a timeout of ${actual}s, longer than the ${wanted}s wanted (${wantedText}), so a hung primary may reset only after its leader key has expired`;
    // Without ioctl the agent cannot set the timeout: the driver's own must fit (softdog's soft_margin).
    if (settings.mode === 'required') return { problem: `${late}; the agent cannot change a driver's timeout` };
    return { warning: late };
  }
}
