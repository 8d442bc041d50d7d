// IpVirtualAddress against `ip` and `arping` in a network namespace of the test's own, with a veth
// pair in it so that the gratuitous ARP has somewhere to go.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IpVirtualAddress } from '../../agent/vip/ip-virtual-address.js';
import { describeVirtualAddressContract } from './virtual-address-contract.js';

const isRoot = process.getuid?.() === 0;
const VIP = { address: '10.213.99.100/24', interface: 'vip0' };

function namespaceWithVeth(): { name: string; close(): Promise<void> } {
  const name = `pgha-vip-${randomBytes(3).toString('hex')}`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });
  ip('netns', 'add', name);
  try {
    ip('-n', name, 'link', 'add', 'vip0', 'type', 'veth', 'peer', 'name', 'vip1');
    ip('-n', name, 'link', 'set', 'vip0', 'up');
    ip('-n', name, 'link', 'set', 'vip1', 'up');
    ip('-n', name, 'addr', 'add', '10.213.99.1/24', 'dev', 'vip1');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return { name, close: async () => ip('netns', 'del', name) };
}

describe.skipIf(!isRoot)('IpVirtualAddress in a network namespace', () => {
  describeVirtualAddressContract('ip in a network namespace', async () => {
    const namespace = namespaceWithVeth();
    return { address: new IpVirtualAddress({ vip: VIP, prefix: ['ip', 'netns', 'exec', namespace.name] }), close: namespace.close };
  });

  it('names the command and its error when the interface is missing', async () => {
    const namespace = namespaceWithVeth();
    try {
      const prefix = ['ip', 'netns', 'exec', namespace.name];
      const missing = new IpVirtualAddress({ vip: { ...VIP, interface: 'nope0' }, prefix });
      await expect(missing.add()).rejects.toThrow(/^ip -o -4 addr show dev nope0 exited with status 1: Device "nope0" does not exist\.$/);
    } finally {
      await namespace.close();
    }
  });
});
