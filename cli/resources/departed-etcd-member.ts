// The etcd member of a host dropped from the spec, removed with `etcd member remove`: after any
// member this apply adds has joined, one removal at a time (they share the cluster's queue), each
// only once enough of the staying members answer for the quorum to hold (see etcd-quorum).
import { etcdRemovalRefusal } from '../engine/etcd-quorum.js';
import type { EtcdMember } from '../transport/cluster-access.js';
import type { DepartedEtcdMemberResource } from './desired-resource.js';
import { etcdMemberValues, type ObservedEtcdMembers } from './etcd-member.js';
import type { ResourceHandler } from './resource-handler.js';

const isIt = (resource: DepartedEtcdMemberResource) => (member: EtcdMember): boolean => (resource.name !== '' && member.name === resource.name) || member.peerUrls.includes(resource.peerUrl);

/** The staying members that are started members and answer on their own. */
function answeringOthers(resource: DepartedEtcdMemberResource, members: readonly EtcdMember[], silent: readonly string[]): number {
  const started = new Set(members.filter((m) => m.name !== '' && !isIt(resource)(m)).map((m) => m.name));
  return resource.staying.filter((s) => started.has(s.name) && !silent.includes(s.client)).length;
}

export const departedEtcdMemberHandler: ResourceHandler<DepartedEtcdMemberResource, ObservedEtcdMembers> = {
  read: (_resource, context) => context.cluster.etcdMembers(),

  diff(resource, observed) {
    const member = observed === 'unreachable' ? undefined : observed.find(isIt(resource));
    if (observed === 'unreachable' || !member) return undefined;
    return {
      action: 'delete',
      details: [`etcd member remove ${resource.name} (it leaves ${observed.length - 1} members), after any member this apply adds has joined, one removal at a time, each once the members without it hold a quorum`],
      values: { before: etcdMemberValues(member), after: null },
    };
  },

  async apply(resource, _observed, context) {
    const { cluster } = context;
    let refusal: string | undefined = 'not checked';
    let left = 0;
    const ready = await context.waitUntil(`etcd able to lose ${resource.name} with its quorum held`, async () => {
      const members = await cluster.etcdMembers();
      if (members === 'unreachable') return { ok: false, detail: 'etcd does not answer' };
      left = members.filter((m) => !isIt(resource)(m)).length;
      if (left === members.length) return { ok: true, detail: `${resource.name} is no longer a member` };
      refusal = etcdRemovalRefusal({ members: members.length, answeringOthers: answeringOthers(resource, members, await cluster.etcdSilentMembers()) });
      return { ok: refusal === undefined, detail: refusal ?? `${members.length - 1} members stay` };
    });
    if (!ready) throw new Error(`etcd member ${resource.name} was not removed: ${refusal ?? 'etcd did not answer'}`);
    await cluster.removeEtcdMember(resource.name, resource.peerUrl);
    return `removed; ${left} etcd members left`;
  },
};
