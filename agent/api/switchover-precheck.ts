// Before an immediate switchover or failover is written, Patroni checks that it can succeed:
// the named leader leads, the candidate exists (and is a synchronous standby in synchronous
// mode), and at least one candidate answers `GET /patroni` and may be promoted. The messages
// are Patroni's; the API answers 412 with them.
import type { ClusterState, MemberEntry } from '../dcs/dcs.js';
import { synchronousModeIn } from './dynamic-config-view.js';
import { peerStatusFrom, type PeerStatusFetcher } from './peer-client.js';
import { synchronousDutyIn } from './synchronous-duty.js';
import type { SwitchoverRequest } from './switchover-request.js';

/** The members that could take over, or why there are none. */
function candidatesFor(cluster: ClusterState, request: SwitchoverRequest): MemberEntry[] | string {
  const { action, candidate } = request;
  const strictSync = synchronousModeIn(cluster.config?.value) === 'on';
  if (candidate !== undefined) {
    if (action === 'switchover' && strictSync && !synchronousDutyIn(cluster, candidate).sync) return 'candidate name does not match with sync_standby';
    const named = cluster.members.filter((member) => member.name === candidate);
    return named.length > 0 ? named : 'candidate does not exists';
  }
  if (strictSync) {
    const standbys = cluster.members.filter((member) => synchronousDutyIn(cluster, member.name).sync);
    return standbys.length > 0 ? standbys : `${action} is not possible: can not find sync_standby`;
  }
  const others = cluster.members.filter((member) => member.name !== cluster.leader?.name && member.record.api_url !== '');
  return others.length > 0 ? others : `${action} is not possible: cluster does not have members except leader`;
}

/** Why the switchover cannot happen now, or undefined when it can. Asks every candidate at once. */
export async function switchoverPrecheck(cluster: ClusterState, request: SwitchoverRequest, fetchStatus: PeerStatusFetcher): Promise<string | undefined> {
  if (request.leader !== undefined && cluster.leader?.name !== request.leader) return 'leader name does not match';
  const candidates = candidatesFor(cluster, request);
  if (typeof candidates === 'string') return candidates;
  const answers = await Promise.all(candidates.map((member) => fetchStatus(member.record.api_url)));
  const promotable = answers.some((document, i) => {
    const peer = peerStatusFrom(candidates[i]!.name, document);
    return peer.reachable && !peer.nofailover && document?.watchdog_failed !== true;
  });
  return promotable ? undefined : `${request.action} is not possible: no good candidates have been found`;
}
