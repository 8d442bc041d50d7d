// A rolling restart of PostgreSQL through the agents' REST API: `POST /restart` to one member at
// a time, each once the cluster is healthy and until that member's PostgreSQL runs again with a
// new postmaster start time; the leader hands over by `POST /switchover` (see restart-order).
// The planned change of apply and `pgha restart` both run it.
import type { ClusterMemberDocument } from '../../agent/contract/cluster-document.js';
import { agentBack, type Probe } from '../engine/cluster-gate.js';
import { LEADER_ROLES, type ClusterWriter } from '../transport/cluster-access.js';
import { renewMember, startTime, type RenewalWaits } from './member-renewal.js';
import { restartSteps, type RestartCandidate, type RestartStep } from './restart-order.js';
import { switchOver } from './switchover.js';

export interface PostgresRestartRequest {
  /** The members to restart, by name; every member when absent. */
  members?: readonly string[];
  /** Only members that report a setting waiting for a restart. */
  pendingOnly: boolean;
  /** Restart a member only once it reports these settings waiting for a restart (apply, after its PATCH /config); at most `awaitMs`. */
  awaitParameters: readonly string[];
  awaitMs: number;
  /** The leader restarts where it runs instead of handing over first. */
  leaderInPlace: boolean;
}

export type RestartWaits = RenewalWaits;

/** What happened to one member: "restarted", "restarted as a replica by the switchover", "switched over to c1"… */
export interface RestartOutcome {
  member: string;
  outcome: string;
}

type Pending = RestartCandidate['pending'];

interface MemberNow {
  document: ClusterMemberDocument;
  /** Its own GET /patroni, parsed; undefined when it did not answer. */
  status: Record<string, unknown> | undefined;
}

function pendingOf(status: Record<string, unknown> | undefined): Pending {
  const reasons = status?.pending_restart_reason;
  return typeof reasons === 'object' && reasons !== null ? (reasons as Pending) : {};
}

const leads = (member: ClusterMemberDocument): boolean => LEADER_ROLES.has(member.role);

async function membersNow(cluster: ClusterWriter, names: readonly string[] | undefined): Promise<MemberNow[]> {
  const document = await cluster.clusterDocument();
  if (!document) throw new Error('no agent answers GET /cluster, so PostgreSQL cannot be restarted now');
  const chosen = document.members.filter((m) => names === undefined || names.includes(m.name));
  return Promise.all(
    chosen.map(async (m) => ({
      document: m,
      status: (await cluster.memberStatus(m.api_url)) as Record<string, unknown> | undefined,
    })),
  );
}

const missingParameters = (member: MemberNow, parameters: readonly string[]): string[] => parameters.filter((p) => !(p in pendingOf(member.status)));

/** Waits until every member reports the parameters waiting for a restart; the names of those that never did. */
async function awaitPending(cluster: ClusterWriter, request: PostgresRestartRequest, waits: RestartWaits): Promise<string[]> {
  if (request.awaitParameters.length === 0) return [];
  let behind: string[] = [];
  const probe = async (): Promise<Probe> => {
    behind = (await membersNow(cluster, request.members)).filter((m) => missingParameters(m, request.awaitParameters).length > 0).map((m) => m.document.name);
    return {
      ok: behind.length === 0,
      detail: behind.length === 0 ? 'every member reports it' : `not reported yet by ${behind.join(', ')}`,
    };
  };
  await waits.waitUntil(`${request.awaitParameters.join(', ')} waiting for a restart on every member`, probe, request.awaitMs);
  return behind;
}

const xlog = (status: Record<string, unknown> | undefined): { location?: number; replayed_location?: number } => (status?.xlog ?? {}) as { location?: number; replayed_location?: number };

/**
 * Waits until a replica has replayed what the leader has written so far. A leader that restarted
 * with a lower max_connections logged it at its start, and a replica checks its own settings
 * against the last values it replayed: restarted before it replays them, it would not start.
 */
async function replayedLeaderWal(cluster: ClusterWriter, waits: RestartWaits, name: string, apiUrl: string): Promise<void> {
  const leader = (await cluster.members())?.find((m) => LEADER_ROLES.has(m.role));
  const target = leader?.api_url ? xlog((await cluster.memberStatus(leader.api_url)) as Record<string, unknown> | undefined).location : undefined;
  if (target === undefined) return;
  const replayed = await waits.waitUntil(`${name} replaying the leader's WAL up to ${target}`, async () => {
    const position = xlog((await cluster.memberStatus(apiUrl)) as Record<string, unknown> | undefined).replayed_location;
    return { ok: position !== undefined && position >= target, detail: `${name} replayed up to ${String(position)}` };
  });
  if (!replayed) throw new Error(`${name} did not replay the leader's WAL, so PostgreSQL was not restarted on ${name}`);
}

async function restartMember(cluster: ClusterWriter, waits: RestartWaits, member: MemberNow, leads: boolean, where: string): Promise<void> {
  const { name, api_url: apiUrl } = member.document;
  if (!(await waits.waitHealthy(`before restarting PostgreSQL on ${name}`))) throw new Error(`the cluster was not healthy, so PostgreSQL was not restarted on ${name}`);
  if (!leads) await replayedLeaderWal(cluster, waits, name, apiUrl);
  await renewMember(cluster, waits, name, apiUrl, { path: '/restart', body: {}, done: 'restarted', where });
}

/** Runs the rolling restart; says in order what happened to each member. */
export async function restartPostgres(cluster: ClusterWriter, waits: RestartWaits, request: PostgresRestartRequest): Promise<RestartOutcome[]> {
  const unreported = await awaitPending(cluster, request, waits);
  const members = (await membersNow(cluster, request.members)).filter((m) => !unreported.includes(m.document.name));
  const chosen = members.filter((m) => !request.pendingOnly || Object.keys(pendingOf(m.status)).length > 0);
  const lines: RestartOutcome[] = [
    ...unreported.map((member) => ({
      member,
      outcome: `not restarted: it never reported ${request.awaitParameters.join(', ')} waiting for a restart (it runs with that value already, or its agent did not take the new config)`,
    })),
    ...members
      .filter((m) => !chosen.includes(m))
      .map((m) => ({
        member: m.document.name,
        outcome: 'not restarted: nothing waits for a restart there',
      })),
  ];
  const all = (await cluster.members()) ?? [];
  const steps = restartSteps(
    chosen.map((m) => ({
      name: m.document.name,
      leads: leads(m.document),
      pending: pendingOf(m.status),
    })),
    {
      leaderInPlace: request.leaderInPlace,
      canHandOver: all.some((m) => !LEADER_ROLES.has(m.role) && m.state === 'streaming'),
    },
  );
  const byName = new Map(chosen.map((m) => [m.document.name, m]));
  const memberOf = (step: Exclude<RestartStep, { kind: 'switchover' }>): MemberNow => byName.get(step.member)!;
  for (const step of steps) {
    if (step.kind === 'restart') {
      await restartMember(cluster, waits, memberOf(step), step.leader, step.leader ? 'as the leader, where it runs' : 'as a replica');
      lines.push({
        member: step.member,
        outcome: step.leader ? 'restarted where it leads (writes stopped until it was back)' : 'restarted',
      });
    } else if (step.kind === 'switchover') {
      const to = await switchOver(cluster, waits, step.from, { otherwise: 'run "pgha restart" with --in-place to restart it where it runs' });
      lines.push({ member: step.from, outcome: `switched over to ${to}` });
    } else {
      const member = memberOf(step);
      let now: Record<string, unknown> | undefined;
      const back = await waits.waitUntil(`${step.member} streaming after the switchover`, async () => {
        now = (await cluster.memberStatus(member.document.api_url)) as Record<string, unknown> | undefined;
        return agentBack(step.member, now);
      });
      if (!back) throw new Error(`${step.member} did not stream from the new leader after the switchover; see journalctl -u pgha-agent.service on ${step.member}`);
      const demoted = startTime(now) !== undefined && startTime(now) !== startTime(member.status) && Object.keys(pendingOf(now)).length === 0;
      if (demoted)
        lines.push({
          member: step.member,
          outcome: 'restarted as a replica by the switchover',
        });
      else {
        await restartMember(cluster, waits, member, false, 'as a replica');
        lines.push({
          member: step.member,
          outcome: 'restarted as a replica after the switchover',
        });
      }
    }
  }
  if (steps.length > 0 && !(await waits.waitHealthy('after the restart of PostgreSQL'))) throw new Error('the cluster was not healthy again after the restart of PostgreSQL');
  return lines;
}
