// Whether this member should try to take a free leader key: Patroni's "healthiest node" test.
// Several members may pass at once; etcd's create-if-absent picks one of them.
import { promotionRuleOf } from './commit-rules.js';
import { failsafeRaceObjection } from './failsafe.js';
import { mayPromote, walPosition, isRunningPrimary, type PeerStatus, type Snapshot } from './snapshot.js';

export interface RaceVerdict {
  healthiest: boolean;
  reason: string;
}

const yes = (reason: string): RaceVerdict => ({ healthiest: true, reason });
const no = (reason: string): RaceVerdict => ({ healthiest: false, reason });

/** The cluster's timeline: one past the last promotion recorded in `history`. */
function clusterTimeline(snapshot: Snapshot): number {
  const last = snapshot.cluster?.history.at(-1);
  return last ? last[0] + 1 : 1;
}

/** In synchronous mode, the members the sync key allows to be promoted: its leader and standbys; undefined when any may be. */
export function promotable(snapshot: Snapshot): string[] | undefined {
  if (snapshot.settings.synchronousMode === 'off') return undefined;
  const record = snapshot.cluster?.sync?.value;
  return [...(record?.leader ? [record.leader] : []), ...promotionRuleOf(record).standbys];
}

/**
 * Only a member the sync key names may be promoted: it alone is known to hold every commit a
 * client was told of. In quorum mode a standby also needs `quorum` other standbys of the key to
 * answer (and none of them to be ahead, as for any race).
 */
function synchronousObjection(snapshot: Snapshot): RaceVerdict | undefined {
  const allowed = promotable(snapshot);
  if (allowed === undefined) return undefined;
  if (!allowed.includes(snapshot.name)) return no(`in synchronous mode only ${allowed.length > 0 ? allowed.join(', ') : 'the members the sync key names'} may be promoted`);
  const record = snapshot.cluster?.sync?.value;
  if (snapshot.settings.synchronousMode !== 'quorum' || record?.leader === snapshot.name) return undefined;
  const rule = promotionRuleOf(record);
  const votes = (snapshot.peers ?? []).filter((p) => p.reachable && p.name !== snapshot.name && rule.standbys.includes(p.name)).length;
  return votes < rule.quorum ? no(`quorum: ${votes} of the ${rule.quorum} other synchronous standbys I need answered`) : undefined;
}

function comparePeers(snapshot: Snapshot, peers: PeerStatus[], ignoreLag: boolean): RaceVerdict {
  const mine = walPosition(snapshot.postgres);
  const optime = snapshot.cluster?.status?.optime;
  if (!ignoreLag && optime !== undefined && optime - mine > snapshot.settings.maximumLagOnFailover) {
    return no(`my WAL position is ${optime - mine} bytes behind the last known primary position, more than maximum_lag_on_failover`);
  }
  if (snapshot.settings.checkTimeline && (snapshot.postgres.timeline ?? 0) < clusterTimeline(snapshot)) {
    return no(`my timeline ${snapshot.postgres.timeline ?? 'unknown'} is behind the cluster's ${clusterTimeline(snapshot)}`);
  }
  const myPriority = snapshot.tags.failover_priority ?? 1;
  const allowed = promotable(snapshot);
  for (const peer of peers) {
    if (!peer.reachable || peer.nofailover || peer.watchdogFailed || (allowed !== undefined && !allowed.includes(peer.name))) continue;
    if (peer.isPrimary) return no(`${peer.name} is still running as primary`);
    if (peer.walPosition > mine) return no(`${peer.name} is ahead of me (WAL ${peer.walPosition} > ${mine})`);
    if (peer.walPosition === mine && peer.failoverPriority > myPriority) {
      return no(`${peer.name} is as far as I am and has a higher failover_priority`);
    }
  }
  return yes('I am the healthiest member');
}

export function raceVerdict(snapshot: Snapshot): RaceVerdict {
  if (!mayPromote(snapshot.tags)) return no('I am not allowed to promote (nofailover)');
  const { watchdog } = snapshot;
  if (watchdog.mode === 'required' && watchdog.failure !== undefined) return no(`I may not lead without a watchdog (${watchdog.failure})`);
  if (snapshot.postgres.process !== 'running') return no('my PostgreSQL is not running');
  if (isRunningPrimary(snapshot.postgres)) {
    if (snapshot.settings.checkTimeline && (snapshot.postgres.timeline ?? 0) < clusterTimeline(snapshot)) {
      return no('I am a primary on a timeline the cluster has left');
    }
    return yes('I am still running as primary');
  }
  const peers = snapshot.peers ?? [];
  const failover = snapshot.cluster?.failover?.value;
  const candidate = failover?.member;
  // An operator's failover may name any member; an automatic one only those the sync key allows.
  if (candidate === snapshot.name) return yes('I am the requested failover candidate');
  const unlisted = failsafeRaceObjection(snapshot.settings.failsafeMode, snapshot.cluster?.failsafe, snapshot.name);
  if (unlisted) return no(unlisted);
  const objection = synchronousObjection(snapshot);
  if (objection) return objection;
  if (candidate !== undefined) {
    const named = peers.find((p) => p.name === candidate);
    if (named?.reachable) return no(`${candidate} is the requested failover candidate`);
    // The named candidate is gone: the others race as usual, without the former leader, ignoring lag.
    const others = peers.filter((p) => p.name !== failover?.leader);
    return comparePeers(snapshot, others, true);
  }
  return comparePeers(snapshot, peers, false);
}
