// Membership of an etcd host in the running etcd cluster. A new cluster forms from every host's
// full initial-cluster list, so nothing is added then; a host joining a running cluster is added
// with `member add` before its etcd starts (its config says initial-cluster-state=existing).
import type { EtcdMember } from '../transport/cluster-access.js';
import type { ResourceHandler } from './resource-handler.js';
import type { EtcdMemberResource } from './desired-resource.js';

export type ObservedEtcdMembers = EtcdMember[] | 'unreachable';

export function isEtcdMember(resource: Pick<EtcdMemberResource, 'name' | 'peerUrl'>, members: readonly EtcdMember[]): boolean {
  return members.some((m) => m.name === resource.name || m.peerUrls.includes(resource.peerUrl));
}

export const etcdMemberHandler: ResourceHandler<EtcdMemberResource, ObservedEtcdMembers> = {
  read: (_resource, context) => context.cluster.etcdMembers(),

  diff(resource, observed) {
    if (observed === 'unreachable' || isEtcdMember(resource, observed)) return undefined;
    return { action: 'create', details: [`etcd member add ${resource.name} ${resource.peerUrl} (joins the running cluster)`] };
  },

  async apply(resource, _observed, context) {
    const members = await context.cluster.etcdMembers();
    if (members !== 'unreachable' && isEtcdMember(resource, members)) return undefined;
    await context.cluster.addEtcdMember(resource.peerUrl);
    return undefined;
  },
};
