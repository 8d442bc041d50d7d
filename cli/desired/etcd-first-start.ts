// What each etcd host reads on its first start, from the live membership. A member keeps what
// its file recorded (etcd no longer reads it), or else lists the live members. A cluster formed from scratch lists every etcd
// host. A host joining a running cluster lists exactly the members at its turn, as etcd checks:
// the live ones, the hosts that join before it in the spec's order, and itself.
import type { ClusterSpec, Host } from '../../agent/contract/schema-types.js';
import { isEtcdMember } from '../resources/etcd-member.js';
import { hostsWithRole } from '../spec/host-roles.js';
import type { EtcdMember } from '../transport/cluster-access.js';
import { etcdPeerUrl, initialClusterEntry, specInitialCluster, type FirstStart } from './etcd-environment.js';

export interface EtcdPlacement {
  firstStart: FirstStart;
  /** Not a member yet: it is added, then its etcd is (re)started with this first start. */
  joining: boolean;
  /** The joining host added just before this one: one member joins at a time. */
  joinsAfter?: string;
}

export function etcdPlacements(spec: ClusterSpec, members: EtcdMember[] | 'unreachable', recorded: ReadonlyMap<string, FirstStart | undefined>): Map<string, EtcdPlacement> {
  const hosts = hostsWithRole(spec, 'etcd').map(({ host }) => host);
  const placements = new Map<string, EtcdPlacement>();
  if (members === 'unreachable') {
    for (const host of hosts) placements.set(host.name, { firstStart: recorded.get(host.name) ?? { state: 'new', initialCluster: specInitialCluster(spec) }, joining: false });
    return placements;
  }
  // A member added but not started yet has no name in the member list: the spec names it.
  const nameOf = (member: EtcdMember): string => member.name || (hosts.find((h: Host) => member.peerUrls.includes(etcdPeerUrl(spec, h)))?.name ?? '');
  const entries = members.map((m) => initialClusterEntry(nameOf(m), m.peerUrls[0] ?? ''));
  const live: FirstStart = { state: 'existing', initialCluster: entries.join(',') };
  let previous: string | undefined;
  for (const host of hosts) {
    const peerUrl = etcdPeerUrl(spec, host);
    if (isEtcdMember({ name: host.name, peerUrl }, members)) {
      placements.set(host.name, { firstStart: recorded.get(host.name) ?? live, joining: false });
      continue;
    }
    entries.push(initialClusterEntry(host.name, peerUrl));
    placements.set(host.name, { firstStart: { state: 'existing', initialCluster: entries.join(',') }, joining: true, ...(previous && { joinsAfter: previous }) });
    previous = host.name;
  }
  return placements;
}
