// The virtual address in memory, for tests of what holds it; held to IpVirtualAddress by the
// contract suite in test/contract/virtual-address-contract.ts.
import type { VirtualAddress } from './virtual-address.js';

export class FakeVirtualAddress implements VirtualAddress {
  readonly description = '10.0.1.100/24 on eth0 (fake)';
  /** Whether the interface carries it. */
  up = false;
  /** Every add and remove that changed something, in order. */
  readonly changes: ('added' | 'removed')[] = [];

  async present(): Promise<boolean> {
    return this.up;
  }

  async add(): Promise<void> {
    if (!this.up) this.changes.push('added');
    this.up = true;
  }

  async announce(): Promise<string | undefined> {
    return this.up ? undefined : 'the address is not up';
  }

  async remove(): Promise<void> {
    if (this.up) this.changes.push('removed');
    this.up = false;
  }
}
