// `pgha status` as data: the cluster document of one agent joined with each member's own
// status. A pure function, so the text and JSON views and their tests share one reading.
import type { ClusterDocument, ClusterMemberDocument } from '../../agent/contract/cluster-document.js';
import type { ClusterStatus, StatusMember } from '../../agent/contract/schema-types.js';
import { LEADER_ROLES } from '../transport/cluster-access.js';

/** What status reads of a member's `GET /patroni` (pgha's own block), taken from whatever JSON the member answered. */
interface OwnStatus {
  watchdog: NonNullable<StatusMember['watchdog']>;
  leaderUntil: number | null;
  decision: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : 'unknown');

function ownStatus(answer: unknown): OwnStatus | undefined {
  if (!isRecord(answer) || !isRecord(answer.pgha)) return undefined;
  const { watchdog, leader_until: leaderUntil, last_decision: decision } = answer.pgha;
  const seen = isRecord(watchdog) ? watchdog : {};
  return {
    watchdog: { mode: text(seen.mode), state: text(seen.state), ...(typeof seen.failure === 'string' && { failure: seen.failure }) },
    leaderUntil: typeof leaderUntil === 'number' ? leaderUntil : null,
    decision: isRecord(decision) && typeof decision.reason === 'string' ? decision.reason : undefined,
  };
}

function statusMember(member: ClusterMemberDocument, answer: unknown): StatusMember {
  const own = ownStatus(answer);
  const leads = LEADER_ROLES.has(member.role);
  const row: StatusMember = { name: member.name, role: member.role, state: member.state, pending_restart: member.pending_restart === true, answered: own !== undefined };
  if (member.host !== undefined) row.host = member.host;
  if (Number.isInteger(member.timeline)) row.timeline = member.timeline as number;
  if (!leads) row.lag_bytes = typeof member.lag === 'number' ? member.lag : null;
  if (!own) return row;
  row.watchdog = own.watchdog;
  if (leads) row.leader_seconds_left = own.leaderUntil;
  if (own.decision !== undefined) row.last_decision = own.decision;
  return row;
}

/** `answers`: each member's `GET /patroni` JSON by name, undefined where it did not answer. */
export function clusterStatus(scope: string, document: ClusterDocument, answers: ReadonlyMap<string, unknown>): ClusterStatus {
  return {
    cluster: scope,
    paused: document.pause === true,
    ...(document.scheduled_switchover && { scheduled_switchover: document.scheduled_switchover }),
    members: document.members.map((member) => statusMember(member, answers.get(member.name))),
  };
}
