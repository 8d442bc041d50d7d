// Membership of an etcd host in the running etcd cluster. A new cluster forms from every host's
// initial-cluster list, so nothing is added then. A host joins a running cluster one at a time:
// once every member has started and etcd accepts one more, it is added with `member add`, then
// its etcd is restarted with its file (initial-cluster-state=existing), and apply waits until it
// has started.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterWriter, EtcdMember } from '../transport/cluster-access.js';
import type { ResourceHandler } from './resource-handler.js';
import type { EtcdMemberResource } from './desired-resource.js';
import { runServiceAction } from './service.js';

export type ObservedEtcdMembers = EtcdMember[] | 'unreachable';

const POLL_MS = 1000;
const WAIT_POLLS = 90;

function memberFor(resource: Pick<EtcdMemberResource, 'name' | 'peerUrl'>, members: readonly EtcdMember[]): EtcdMember | undefined {
  return members.find((m) => m.name === resource.name || m.peerUrls.includes(resource.peerUrl));
}

export function isEtcdMember(resource: Pick<EtcdMemberResource, 'name' | 'peerUrl'>, members: readonly EtcdMember[]): boolean {
  return memberFor(resource, members) !== undefined;
}

const hasStarted = (member: EtcdMember): boolean => member.name !== '';

function hasJoined(resource: EtcdMemberResource, members: readonly EtcdMember[]): boolean {
  const member = memberFor(resource, members);
  return member !== undefined && hasStarted(member);
}

async function waitForMembers(cluster: ClusterWriter, resource: EtcdMemberResource, what: string, done: (members: EtcdMember[]) => boolean): Promise<EtcdMember[]> {
  let last: ObservedEtcdMembers = 'unreachable';
  for (let poll = 0; poll < WAIT_POLLS; poll++) {
    last = await cluster.etcdMembers();
    if (last !== 'unreachable' && done(last)) return last;
    await sleep(POLL_MS);
  }
  const seen = last === 'unreachable' ? 'etcd does not answer' : `${last.filter(hasStarted).length} of ${last.length} members started`;
  throw new Error(`${resource.host}: gave up after ${(WAIT_POLLS * POLL_MS) / 1000} s waiting for ${what} (${seen})`);
}

/**
 * etcd refuses a new member ("unhealthy cluster") until every member has been connected for
 * 5 s, so a host that joins right after another waits that long. Those refusals, and calls
 * that went to a host whose etcd does not serve yet, come back UNAVAILABLE, and the etcd client
 * then stops calling that host for a while ("circuit breaker is open"): all are tried again, once
 * the member list shows the add did not happen after all.
 */
const REFUSED_FOR_NOW = ['UNAVAILABLE', 'circuit breaker is open'];

async function addWhenHealthy(cluster: ClusterWriter, resource: EtcdMemberResource): Promise<void> {
  let refusal: unknown;
  for (let poll = 0; poll < WAIT_POLLS; poll++) {
    try {
      await cluster.addEtcdMember(resource.peerUrl);
      return;
    } catch (error) {
      if (!REFUSED_FOR_NOW.some((text) => String(error).includes(text))) throw error;
      refusal = error;
    }
    await sleep(POLL_MS);
    const members = await cluster.etcdMembers();
    if (members !== 'unreachable' && isEtcdMember(resource, members)) return;
  }
  throw new Error(`${resource.host}: etcd still refused to add ${resource.name} after ${(WAIT_POLLS * POLL_MS) / 1000} s: ${String(refusal)}`);
}

/** A member as data; one added but not started yet has no name. */
export function etcdMemberValues(member: EtcdMember): Record<string, unknown> {
  return { name: member.name, peer_urls: member.peerUrls, started: hasStarted(member) };
}

export const etcdMemberHandler: ResourceHandler<EtcdMemberResource, ObservedEtcdMembers> = {
  read: (_resource, context) => context.cluster.etcdMembers(),

  diff(resource, observed) {
    if (observed === 'unreachable') return undefined;
    const member = memberFor(resource, observed);
    const after = etcdMemberValues({ name: resource.name, peerUrls: [resource.peerUrl] });
    if (!member) return { action: 'create', details: [`etcd member add ${resource.name} ${resource.peerUrl} (joins the running cluster), then etcd restarts on ${resource.host}`], values: { before: null, after } };
    if (!hasStarted(member)) return { action: 'update', details: [`restart etcd on ${resource.host}: it was added to the cluster but has not started as a member`], values: { before: etcdMemberValues(member), after } };
    return undefined;
  },

  async apply(resource, _observed, context) {
    const { cluster } = context;
    const members = await waitForMembers(cluster, resource, 'every etcd member to start before another joins', (all) => all.every((m) => hasStarted(m) || m === memberFor(resource, all)));
    if (!isEtcdMember(resource, members)) await addWhenHealthy(cluster, resource);
    await runServiceAction(context, resource.host, { unit: 'etcd.service', verb: 'restart', noBlock: true });
    const joined = await waitForMembers(cluster, resource, `${resource.name} to start as an etcd member`, (all) => hasJoined(resource, all));
    return `${joined.filter(hasStarted).length} of ${joined.length} etcd members started`;
  },
};
