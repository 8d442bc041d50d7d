// The WatchdogDevice contract, run against the fake on a fake clock and against the Linux
// device writing to the watchdog emulator: open arms it, keepalives hold it off, the magic
// close disarms it, and anything else lets it fire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WatchdogDevice } from '../../agent/watchdog/watchdog-device.js';

export interface WatchdogDeviceHarness {
  /** The timeout the devices it serves report, in seconds. */
  timeoutSeconds: number;
  /** How long past its timeout a device may take to be seen firing. */
  slackMs: number;
  /** A device the harness serves. */
  device(): WatchdogDevice;
  /** A device at a path where there is none. */
  missing(): WatchdogDevice;
  /** Lets `ms` pass on the devices' clock. */
  elapse(ms: number): Promise<void>;
  /** Times any of its devices fired so far. */
  expiries(): number;
  close(): Promise<void>;
}

export function describeWatchdogDeviceContract(name: string, start: () => Promise<WatchdogDeviceHarness>): void {
  describe(`WatchdogDevice contract: ${name}`, () => {
    let harness: WatchdogDeviceHarness;
    const opened: WatchdogDevice[] = [];
    const timeoutMs = (): number => harness.timeoutSeconds * 1000;

    function device(): WatchdogDevice {
      const created = harness.device();
      opened.push(created);
      return created;
    }

    /** Waits past the timeout and says whether the device fired meanwhile. */
    async function firesWithinTimeout(act: () => Promise<void>): Promise<boolean> {
      const before = harness.expiries();
      await act();
      await harness.elapse(timeoutMs() + harness.slackMs);
      return harness.expiries() > before;
    }

    beforeAll(async () => {
      harness = await start();
    });
    afterEach(async () => {
      for (const created of opened.splice(0)) await created.close().catch(() => undefined);
      // A writer's close and the next open must not fall into one poll of the emulator.
      await harness.elapse(100);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('opens, resolving the timeout, and opens again as a no-op', async () => {
      const wd = device();
      expect(wd.isOpen).toBe(false);
      await expect(wd.open()).resolves.toEqual({ timeoutSeconds: harness.timeoutSeconds });
      expect(wd.isOpen).toBe(true);
      await expect(wd.open()).resolves.toEqual({ timeoutSeconds: harness.timeoutSeconds });
      await wd.close();
      expect(wd.isOpen).toBe(false);
    });

    it('inspects without arming', async () => {
      const wd = device();
      expect(await firesWithinTimeout(async () => expect(await wd.inspect()).toEqual({ timeoutSeconds: harness.timeoutSeconds }))).toBe(false);
      expect(wd.isOpen).toBe(false);
    });

    it('fires after its timeout, not before, when nothing feeds it', async () => {
      const wd = device();
      const before = harness.expiries();
      await wd.open();
      await harness.elapse(timeoutMs() / 2);
      expect(harness.expiries()).toBe(before);
      await harness.elapse(timeoutMs() / 2 + harness.slackMs);
      expect(harness.expiries()).toBe(before + 1);
    });

    it('does not fire while keepalives come more often than its timeout', async () => {
      const wd = device();
      const before = harness.expiries();
      await wd.open();
      for (let i = 0; i < 10; i++) {
        await harness.elapse(timeoutMs() / 4);
        await wd.keepalive();
      }
      expect(harness.expiries()).toBe(before);
    });

    it.each([
      { how: 'the magic close disarms it', close: 'close', fires: false },
      { how: 'a close without the magic byte leaves it armed, and it fires', close: 'abandon', fires: true },
    ] as const)('$how', async ({ close, fires }) => {
      const wd = device();
      const fired = await firesWithinTimeout(async () => {
        await wd.open();
        await wd.keepalive();
        await wd[close]();
      });
      expect(fired).toBe(fires);
      expect(wd.isOpen).toBe(false);
    });

    it('refuses a keepalive when not open, and closes a closed device as a no-op', async () => {
      const wd = device();
      await expect(wd.keepalive()).rejects.toThrow(wd.path);
      await wd.close();
      await wd.abandon();
      expect(wd.isOpen).toBe(false);
    });

    it('rejects opening a missing device with one sentence naming it', async () => {
      const wd = harness.missing();
      // One at a time: a rejection nobody awaits yet would be reported as unhandled.
      for (const attempt of [() => wd.open(), () => wd.inspect()]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain(wd.path);
        expect((error as Error).message).not.toMatch(/\n/);
      }
      expect(wd.isOpen).toBe(false);
    });
  });
}
