// Hosts dropped from the spec, found where the cluster still remembers them: a member key under
// /<namespace>/<scope>/members/ (its conn_url and api_url name its address) or an etcd member
// whose name and peer URL match no host of the spec. A host that ran only HAProxy leaves no such
// trace and is not found. Pure.
import type { MemberRecord } from '../../agent/contract/dcs-records.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import type { EtcdMember } from '../transport/cluster-access.js';

export interface DepartedHost {
  name: string;
  /** Where it was reached: the host of its conn_url, api_url or etcd peer URL. */
  address: string;
  /** Whether the cluster holds its member key. */
  memberKey: boolean;
  /** Its etcd member, when etcd still has one. */
  etcdMember?: EtcdMember;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname;
    return host.startsWith('[') ? host.slice(1, -1) : host || undefined;
  } catch {
    return undefined;
  }
}

export function departedHosts(spec: ClusterSpec, records: ReadonlyMap<string, MemberRecord> | 'unreachable', etcdMembers: readonly EtcdMember[] | 'unreachable'): DepartedHost[] {
  const names = new Set(spec.hosts.map((h) => h.name));
  const addresses = new Set(spec.hosts.map((h) => h.address));
  const found = new Map<string, DepartedHost>();
  for (const [name, record] of records === 'unreachable' ? [] : records) {
    const address = hostOf(record.conn_url) ?? hostOf(record.api_url);
    if (names.has(name) || address === undefined) continue;
    found.set(name, { name, address, memberKey: true });
  }
  for (const member of etcdMembers === 'unreachable' ? [] : etcdMembers) {
    const address = member.peerUrls.map(hostOf).find((a) => a !== undefined);
    if (address === undefined || names.has(member.name) || addresses.has(address)) continue;
    // A member added but never started has no name yet: it is named by its address.
    const name = member.name || [...found.values()].find((h) => h.address === address)?.name || address;
    found.set(name, { ...(found.get(name) ?? { name, address, memberKey: false }), etcdMember: member });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
