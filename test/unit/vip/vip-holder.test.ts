// The virtual address follows this member's lease belief: added while it leads, removed when told,
// and removed by itself at the end of the belief when no cycle extended it (a loop stuck on etcd).
import { describe, expect, it } from 'vitest';
import { vipLease } from '../../../agent/ha/vip-lease.js';
import { FakeVirtualAddress } from '../../../agent/vip/fake-virtual-address.js';
import { VipHolder } from '../../../agent/vip/vip-holder.js';
import { PRIMARY, REPLICA } from '../../helpers/ha-snapshot.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function holder(): { clock: FakeClock; address: FakeVirtualAddress; vip: VipHolder; lines: string[] } {
  const clock = new FakeClock();
  const address = new FakeVirtualAddress();
  const lines: string[] = [];
  return { clock, address, lines, vip: new VipHolder(address, clock, { log: (level, message) => void lines.push(`${level}: ${message}`) }) };
}

describe('holding the virtual address', () => {
  it('adds it while this member leads, and keeps it as each cycle extends the lease belief', async () => {
    const { clock, address, vip, lines } = holder();
    await vip.follow(clock.now() + 10_000);
    await clock.advance(5_000);
    await vip.follow(clock.now() + 10_000);
    await clock.advance(9_000);
    expect(address.up).toBe(true);
    expect(address.changes).toEqual(['added']);
    expect(lines).toEqual(['info: virtual address 10.0.1.100/24 on eth0 (fake) added: I lead']);
  });

  it('removes it by itself when the lease belief runs out without a cycle to extend it', async () => {
    const { clock, address, vip, lines } = holder();
    await vip.follow(clock.now() + 10_000);
    await clock.advance(9_999);
    expect(address.up).toBe(true);
    await clock.advance(1);
    await vip.follow(undefined);
    expect(address.changes).toEqual(['added', 'removed']);
    expect(lines.at(-1)).toBe('info: virtual address 10.0.1.100/24 on eth0 (fake) removed: my leader lease ran out');
  });

  it('removes it at once when told, and not again when it holds none', async () => {
    const { clock, address, vip, lines } = holder();
    await vip.follow(clock.now() + 10_000);
    await vip.release('demoting');
    await vip.follow(undefined);
    await clock.advance(20_000);
    expect(address.changes).toEqual(['added', 'removed']);
    expect(lines.at(-1)).toBe('info: virtual address 10.0.1.100/24 on eth0 (fake) removed: demoting');
  });

  it('removes an address an earlier agent left behind, before it leads', async () => {
    const { address, vip } = holder();
    address.up = true;
    await vip.clearStale();
    expect(address.up).toBe(false);
  });
});

describe('the virtual address lease', () => {
  it('is the lease belief of a running primary, outside a pause and a demotion', () => {
    expect(vipLease(110_000, 100_000, PRIMARY, false, undefined)).toBe(110_000);
    expect(vipLease(100_000, 100_000, PRIMARY, false, undefined)).toBeUndefined();
    expect(vipLease(undefined, 100_000, PRIMARY, false, undefined)).toBeUndefined();
    expect(vipLease(110_000, 100_000, REPLICA, false, 'promote')).toBeUndefined();
    expect(vipLease(110_000, 100_000, PRIMARY, true, undefined)).toBeUndefined();
    expect(vipLease(110_000, 100_000, PRIMARY, false, 'demote')).toBeUndefined();
  });
});
