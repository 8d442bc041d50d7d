// The VirtualAddress contract, run against the fake and against `ip` in a network namespace the
// test creates: absent at first, present once added (adding twice is harmless), absent once
// removed (removing twice is harmless).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualAddress } from '../../agent/vip/virtual-address.js';

export interface VirtualAddressHarness {
  address: VirtualAddress;
  close(): Promise<void>;
}

export function describeVirtualAddressContract(name: string, start: () => Promise<VirtualAddressHarness>): void {
  describe(`VirtualAddress contract: ${name}`, () => {
    let harness: VirtualAddressHarness;
    beforeEach(async () => {
      harness = await start();
    });
    afterEach(() => harness.close());

    it('is absent until added, and present and announced after, however often it is added', async () => {
      const { address } = harness;
      expect(await address.present()).toBe(false);
      await address.add();
      expect(await address.present()).toBe(true);
      expect(await address.announce()).toBeUndefined();
      await address.add();
      expect(await address.present()).toBe(true);
    });

    it('is absent once removed, however often it is removed', async () => {
      const { address } = harness;
      await address.remove();
      await address.add();
      await address.remove();
      expect(await address.present()).toBe(false);
      await address.remove();
      expect(await address.present()).toBe(false);
    });
  });
}
