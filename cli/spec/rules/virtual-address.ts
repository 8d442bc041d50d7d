// A virtual address must be one no host already has: the leader's host adds it beside its own.
import { error, type SpecRule } from './spec-rule.js';

export const virtualAddress: SpecRule = {
  name: 'vip',
  check(spec) {
    const vip = spec.routing.vip;
    if (!vip) return [];
    const address = vip.address.slice(0, vip.address.indexOf('/'));
    const owner = spec.hosts.find((h) => h.address === address);
    return owner ? [error(['routing', 'vip', 'address'], `routing.vip.address ${address} is the address of ${owner.name}: the virtual address must be one no host has`)] : [];
  },
};
