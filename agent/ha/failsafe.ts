// Failsafe mode (Patroni's DCS failsafe mode): while etcd works, the leader keeps every member's
// api_url in the `failsafe` key. When etcd stops answering, the primary stays primary only while
// every member listed there confirms it over POST /failsafe; a member that confirmed treats the
// cluster as led by that primary for ttl, so it does not race for the leader key meanwhile.
import type { ClusterState } from '../dcs/dcs.js';

/** The body of POST /failsafe: the primary that asks to be confirmed. */
export interface FailsafeCall {
  name: string;
  conn_url: string;
  api_url: string;
  /** The primary's replication slots and their positions, as Patroni sends them. */
  slots?: Record<string, number>;
}

/**
 * Failsafe mode in force on this member: on a primary kept by confirmations, until its last round
 * could no longer vouch for it; on a member that confirmed a primary (`leader`), ttl after that.
 */
export interface FailsafeActivity {
  until: number;
  leader?: FailsafeCall;
}

/** The result of this cycle's round of POST /failsafe. */
export interface FailsafeRound {
  confirmed: boolean;
  /** "c2 and c3 confirmed me", "c3 did not confirm me (no answer)". */
  reason: string;
}

/** A member the primary must hear from. */
export interface FailsafeMember {
  name: string;
  apiUrl: string;
}

/** What a member answered to POST /failsafe. */
export interface FailsafeAnswer {
  name: string;
  accepted: boolean;
  /** Why it did not accept: its status and message, or "no answer". */
  refusal?: string;
}

export function failsafeIsActive(activity: FailsafeActivity | undefined, now: number): boolean {
  return activity !== undefined && activity.until > now;
}

/** The `failsafe` key a leader keeps: every member with an api_url, itself included. */
export function failsafeTopology(cluster: ClusterState, self: string, ownApiUrl: string): Record<string, string> {
  const topology: Record<string, string> = {};
  for (const member of [...cluster.members].sort((a, b) => a.name.localeCompare(b.name))) {
    if (member.record.api_url) topology[member.name] = member.record.api_url;
  }
  topology[self] ??= ownApiUrl;
  return topology;
}

/** Whether the key already says what `desired` says, whatever the order of its entries. */
export function sameTopology(current: Record<string, string> | undefined, desired: Record<string, string>): boolean {
  if (current === undefined) return false;
  const names = Object.keys(desired);
  return names.length === Object.keys(current).length && names.every((name) => current[name] === desired[name]);
}

/**
 * The members a primary must hear from to stay primary, from the last `failsafe` key it read; a
 * sentence instead when that key cannot keep it (absent, or without this member).
 */
export function membersToConfirm(failsafe: Record<string, string> | undefined, self: string): FailsafeMember[] | string {
  if (failsafe === undefined || Object.keys(failsafe).length === 0) return 'the failsafe key was empty when etcd last answered';
  if (failsafe[self] === undefined) return 'the failsafe key does not list me';
  return Object.entries(failsafe)
    .filter(([name]) => name !== self)
    .map(([name, apiUrl]) => ({ name, apiUrl }));
}

function listed(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Every member must accept; a cluster of one continues on its own, as in Patroni. */
export function roundOutcome(answers: FailsafeAnswer[]): FailsafeRound {
  if (answers.length === 0) return { confirmed: true, reason: 'I am the only member' };
  const refused = answers.filter((a) => !a.accepted);
  if (refused.length === 0) return { confirmed: true, reason: `${listed(answers.map((a) => a.name))} confirmed me` };
  return { confirmed: false, reason: refused.map((a) => `${a.name} did not confirm me (${a.refusal ?? 'refused'})`).join('; ') };
}

/**
 * The cluster this member decides on: while no one holds the leader key, a primary it confirmed
 * within ttl leads (so it does not race against a primary that is alive and proved it).
 */
export function withConfirmedLeader(cluster: ClusterState | undefined, activity: FailsafeActivity | undefined, now: number): ClusterState | undefined {
  const leader = activity?.leader;
  if (cluster === undefined || cluster.leader !== undefined || leader === undefined || !failsafeIsActive(activity, now)) return cluster;
  return { ...cluster, leader: { name: leader.name, lease: '', modRevision: 0 } };
}

/**
 * In failsafe mode only a member the `failsafe` key lists may take the leader key: one it does not
 * list never confirmed the primary that may still run. Undefined when nothing objects.
 */
export function failsafeRaceObjection(failsafeMode: boolean, failsafe: Record<string, string> | undefined, self: string): string | undefined {
  if (!failsafeMode || failsafe === undefined || Object.keys(failsafe).length === 0 || failsafe[self] !== undefined) return undefined;
  return 'failsafe mode: the failsafe key does not list me, so I may not lead';
}

/** How a member answers POST /failsafe. */
export type FailsafeVerdict = { kind: 'accepted'; lsn: number } | { kind: 'off' } | { kind: 'running-as-leader' };

/** How a primary asks the members to confirm it: every one at once, none waited for past the deadline. */
export interface FailsafeConfirmations {
  ask(members: FailsafeMember[], call: FailsafeCall, timeoutMs: number): Promise<FailsafeAnswer[]>;
}
