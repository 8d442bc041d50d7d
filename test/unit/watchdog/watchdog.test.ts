import { describe, expect, it } from 'vitest';
import { FakeWatchdogDevice } from '../../../agent/watchdog/fake-watchdog-device.js';
import { Watchdog, type WatchdogMode } from '../../../agent/watchdog/watchdog.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const TIMING = { ttl: 30, loop_wait: 10 };
const MISSING = 'watchdog device /dev/watchdog does not exist (is a watchdog driver such as softdog loaded?)';

/** A renewal sent just now. */
const renewedNow = (clock: FakeClock) => ({ renewedAt: clock.now(), ttlMs: TIMING.ttl * 1000 });

function setup(mode: WatchdogMode, timeoutSeconds = 25, safetyMargin = 5) {
  const clock = new FakeClock();
  let resets = 0;
  const device = new FakeWatchdogDevice({ clock, timeoutSeconds, onExpire: () => (resets += 1) });
  const watchdog = new Watchdog({ device, clock, settings: { mode, safetyMargin } });
  return { clock, device, watchdog, resets: () => resets };
}

describe('Watchdog', () => {
  it('does nothing in mode off, and reports off', async () => {
    const { clock, device, watchdog } = setup('off');
    device.unusable = MISSING;
    expect(await watchdog.activate(TIMING)).toEqual({ ok: true, armed: false, level: 'debug', reason: 'running without a watchdog: watchdog.mode is off' });
    expect(device.isOpen).toBe(false);
    expect(await watchdog.keepalive(renewedNow(clock))).toEqual({ ok: true });
    expect(await watchdog.probe(TIMING)).toEqual({ mode: 'off', state: 'off', device: '/dev/watchdog', keepalives: 0, failed: false });
  });

  it('arms a device whose timeout fits, and feeds it', async () => {
    const { clock, device, watchdog, resets } = setup('required');
    expect(await watchdog.activate(TIMING)).toEqual({ ok: true, armed: true, level: 'info', reason: 'watchdog /dev/watchdog armed with a timeout of 25s' });
    expect(device.armed).toBe(true);
    await clock.advance(20_000);
    expect(await watchdog.keepalive(renewedNow(clock))).toEqual({ ok: true });
    await clock.advance(20_000);
    expect(await watchdog.keepalive(renewedNow(clock))).toEqual({ ok: true });
    expect(resets()).toBe(0);
    expect(watchdog.status()).toEqual({
      mode: 'required',
      state: 'armed',
      device: '/dev/watchdog',
      timeoutSeconds: 25,
      lastKeepalive: '2026-11-23T00:00:40.000Z',
      keepalives: 2,
      failed: false,
    });
    // Activating again (each cycle of a leader that is not protected) keeps the same device armed.
    expect((await watchdog.activate(TIMING)).armed).toBe(true);
    expect(device.keepalives).toBe(2);
  });

  it('refuses a device whose timeout is shorter than loop_wait, in either mode', async () => {
    const reason = 'watchdog timeout 8s of /dev/watchdog is shorter than loop_wait (10s), so it would reset a healthy primary between two cycles';
    const automatic = setup('automatic', 8);
    expect(await automatic.watchdog.activate(TIMING)).toEqual({ ok: true, armed: false, level: 'warn', reason: `continuing without a watchdog (watchdog.mode automatic): ${reason}` });
    expect(automatic.device.armed).toBe(false);
    expect(automatic.watchdog.status()).toMatchObject({ state: 'failed', failure: reason, failed: false });

    const required = setup('required', 8);
    expect(await required.watchdog.activate(TIMING)).toEqual({ ok: false, armed: false, level: 'error', reason: `may not lead without a watchdog (watchdog.mode required): ${reason}` });
    expect(required.device.armed).toBe(false);
    expect(required.watchdog.status()).toMatchObject({ state: 'failed', failure: reason, failed: true });
  });

  it('keeps a device whose timeout is longer than wanted only in automatic mode, with a warning', async () => {
    const late = 'watchdog /dev/watchdog has a timeout of 60s, longer than the 25s wanted (ttl 30 - safety_margin 5), so a hung primary may reset only after its leader key has expired';
    const automatic = setup('automatic', 60);
    expect(await automatic.watchdog.activate(TIMING)).toEqual({ ok: true, armed: true, level: 'warn', reason: late });
    expect(automatic.watchdog.status()).toMatchObject({ state: 'armed', warning: late, failed: false });

    const required = setup('required', 60);
    expect(await required.watchdog.activate(TIMING)).toEqual({
      ok: false,
      armed: false,
      level: 'error',
      reason: `may not lead without a watchdog (watchdog.mode required): ${late}; the agent cannot change a driver's timeout`,
    });
    expect(required.device.armed).toBe(false);
    expect(required.watchdog.status().failed).toBe(true);
  });

  it('wants half the ttl for safety_margin -1', async () => {
    expect((await setup('required', 15, -1).watchdog.activate(TIMING)).ok).toBe(true);
    expect((await setup('required', 16, -1).watchdog.activate(TIMING)).reason).toContain('longer than the 15s wanted (half of ttl 30)');
  });

  it('does not open the device when the wanted timeout itself is shorter than loop_wait', async () => {
    const { device, watchdog } = setup('required', 5);
    const result = await watchdog.activate({ ttl: 10, loop_wait: 6 });
    expect(result.reason).toBe(
      'may not lead without a watchdog (watchdog.mode required): the watchdog timeout ttl 10 - safety_margin 5 = 5s is shorter than loop_wait (6s), so it would reset a healthy primary between two cycles',
    );
    expect(device.isOpen).toBe(false);
    expect(watchdog.status().timeoutSeconds).toBeUndefined();
  });

  it('continues without a device it cannot open in automatic mode, and may not lead without it in required mode', async () => {
    const automatic = setup('automatic');
    automatic.device.unusable = MISSING;
    expect(await automatic.watchdog.activate(TIMING)).toEqual({ ok: true, armed: false, level: 'warn', reason: `continuing without a watchdog (watchdog.mode automatic): ${MISSING}` });
    expect(await automatic.watchdog.keepalive(renewedNow(automatic.clock))).toEqual({ ok: true });
    expect(automatic.watchdog.status()).toEqual({ mode: 'automatic', state: 'failed', device: '/dev/watchdog', keepalives: 0, failure: MISSING, failed: false });

    const required = setup('required');
    required.device.unusable = MISSING;
    expect(await required.watchdog.activate(TIMING)).toMatchObject({ ok: false, armed: false, level: 'error' });
    expect(await required.watchdog.keepalive(renewedNow(required.clock))).toEqual({ ok: false, reason: 'no watchdog is armed on /dev/watchdog (watchdog.mode required)' });
    expect(required.watchdog.status()).toMatchObject({ state: 'failed', failure: MISSING, failed: true });
  });

  it('reports a failed keepalive, which only required mode treats as a reason to stop leading', async () => {
    const broken = 'could not write a keepalive to watchdog device /dev/watchdog: EIO: i/o error, write';
    for (const mode of ['automatic', 'required'] as const) {
      const { clock, device, watchdog } = setup(mode);
      await watchdog.activate(TIMING);
      device.writeFailure = broken;
      expect(await watchdog.keepalive(renewedNow(clock))).toEqual({ ok: mode === 'automatic', reason: broken });
      expect(watchdog.status()).toMatchObject({ state: 'failed', failure: broken, keepalives: 0, failed: mode === 'required' });
      device.writeFailure = undefined;
      expect(await watchdog.keepalive(renewedNow(clock))).toEqual({ ok: true });
      expect(watchdog.status()).toMatchObject({ state: 'armed', keepalives: 1, failed: false });
    }
  });

  it('does not feed after a renewal that took too long, so the reset still comes before the key can expire', async () => {
    const { clock, device, watchdog, resets } = setup('required');
    await watchdog.activate(TIMING);
    // ttl 30 - timeout 25: a keepalive must follow its renewal within half of 5 s.
    const firstRenewal = clock.now();
    await clock.advance(2500);
    expect(await watchdog.keepalive({ renewedAt: firstRenewal, ttlMs: 30_000 })).toEqual({ ok: true });
    // The next renewal is sent now and answered 2501 ms later.
    const secondRenewal = clock.now();
    await clock.advance(2501);
    expect(await watchdog.keepalive({ renewedAt: secondRenewal, ttlMs: 30_000 })).toEqual({
      ok: true,
      skipped: 'the leader key was renewed 2501 ms ago, more than half of ttl - watchdog timeout (2500 ms), so the reset stays where the last keepalive put it',
    });
    expect(device.keepalives).toBe(1);
    await clock.advance(25_000 - 2501 - 1);
    expect(resets()).toBe(0);
    await clock.advance(1);
    expect(resets()).toBe(1);
  });

  it('feeds a device slower than the ttl whatever the renewal (automatic mode warned that it cannot come in time)', async () => {
    const { clock, device, watchdog } = setup('automatic', 60);
    await watchdog.activate(TIMING);
    const renewedAt = clock.now();
    await clock.advance(20_000);
    expect(await watchdog.keepalive({ renewedAt, ttlMs: 30_000 })).toEqual({ ok: true });
    expect(device.keepalives).toBe(1);
  });

  it('judges a renewal by the ttl it was sent with, not the one the watchdog was armed with (a PATCH of ttl)', async () => {
    const { clock, device, watchdog } = setup('required');
    await watchdog.activate(TIMING);
    // ttl 30 → 60 with the same 25 s device: up to half of 35 s may pass; 30 → 28: half of 3 s.
    const renewedAt = clock.now();
    await clock.advance(10_000);
    expect(await watchdog.keepalive({ renewedAt, ttlMs: 60_000 })).toEqual({ ok: true });
    expect((await watchdog.keepalive({ renewedAt: clock.now() - 1000, ttlMs: 28_000 })).skipped).toBeUndefined();
    expect((await watchdog.keepalive({ renewedAt: clock.now() - 2000, ttlMs: 28_000 })).skipped).toMatch(/renewed 2000 ms ago, more than half of ttl - watchdog timeout \(1500 ms\)/);
    expect(device.keepalives).toBe(2);
  });

  it('disarms with the magic close, so the host does not reset', async () => {
    const { clock, device, watchdog, resets } = setup('automatic');
    await watchdog.activate(TIMING);
    expect(await watchdog.disable()).toBeUndefined();
    await clock.advance(60_000);
    expect(resets()).toBe(0);
    expect(device.armed).toBe(false);
    expect(watchdog.status().state).toBe('disabled');
    expect(await watchdog.disable()).toBeUndefined();
  });

  it('says so when the magic close cannot be written', async () => {
    const { device, watchdog } = setup('required');
    await watchdog.activate(TIMING);
    device.writeFailure = 'could not write the magic close byte to watchdog device /dev/watchdog, so it stays armed and resets the host after 25s: EIO';
    expect(await watchdog.disable()).toBe(device.writeFailure);
    expect(watchdog.status()).toMatchObject({ state: 'failed', failed: true });
  });

  it('leaves the device armed when abandoned, so the host resets after the timeout', async () => {
    const { clock, watchdog, resets } = setup('required');
    await watchdog.activate(TIMING);
    await watchdog.abandon();
    await clock.advance(24_000);
    expect(resets()).toBe(0);
    await clock.advance(1_000);
    expect(resets()).toBe(1);
  });

  it('re-checks an armed device when the timing changes', async () => {
    const { device, watchdog } = setup('required');
    expect((await watchdog.activate(TIMING)).ok).toBe(true);
    const shorterTtl = await watchdog.activate({ ttl: 20, loop_wait: 10 });
    expect(shorterTtl).toMatchObject({ ok: false, armed: false });
    expect(shorterTtl.reason).toContain('longer than the 15s wanted (ttl 20 - safety_margin 5)');
    expect(device.armed).toBe(false);
  });

  it('probes a member that does not lead without arming anything, so it can report watchdog_failed', async () => {
    const { device, watchdog } = setup('required');
    device.unusable = MISSING;
    expect(await watchdog.probe(TIMING)).toMatchObject({ state: 'failed', failure: MISSING, failed: true });
    device.unusable = undefined;
    expect(await watchdog.probe(TIMING)).toEqual({ mode: 'required', state: 'disabled', device: '/dev/watchdog', timeoutSeconds: 25, keepalives: 0, failed: false });
    expect(device.isOpen).toBe(false);
    device.timeoutSeconds = 40;
    expect(await watchdog.probe(TIMING)).toMatchObject({ state: 'failed', failed: true });
    expect(device.armed).toBe(false);
  });

  it('leaves an armed device alone when probed', async () => {
    const { device, watchdog } = setup('required');
    await watchdog.activate(TIMING);
    device.unusable = MISSING;
    expect(await watchdog.probe(TIMING)).toMatchObject({ state: 'armed', failed: false });
  });
});
