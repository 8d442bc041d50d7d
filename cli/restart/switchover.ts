// A switchover from the leader to the streaming replica with the least lag, through the agents'
// REST API (POST /switchover), and the wait until that replica leads. A rolling restart of
// PostgreSQL and the removal of a leader's host both hand over this way.
import { LEADER_ROLES, type ClusterWriter } from '../transport/cluster-access.js';
import type { RenewalWaits } from './member-renewal.js';

/** A blocking switchover answers within 2 × max(10 s, loop_wait). */
const SWITCHOVER_CALL_MS = 60_000;

export interface HandOverChoice {
  /** Which members may take over (all but the leader by default). */
  eligible?: (name: string) => boolean;
  /** What to do when no replica can take over, appended to the error. */
  otherwise?: string;
}

/** The streaming replica with the least lag: the member a switchover hands over to. */
async function handOverCandidate(cluster: ClusterWriter, from: string, choice: HandOverChoice): Promise<string> {
  const members = (await cluster.members()) ?? [];
  const lag = (m: { lag?: number | string }): number => (typeof m.lag === 'number' ? m.lag : Number.MAX_SAFE_INTEGER);
  const eligible = choice.eligible ?? (() => true);
  const candidate = members.filter((m) => m.name !== from && m.state === 'streaming' && eligible(m.name)).sort((a, b) => lag(a) - lag(b) || a.name.localeCompare(b.name))[0];
  if (!candidate) throw new Error(`no replica streams, so the leader ${from} cannot hand over${choice.otherwise ? `; ${choice.otherwise}` : ''}`);
  return candidate.name;
}

/** Hands the leader role over from `from`; the member that leads now. */
export async function switchOver(cluster: ClusterWriter, waits: RenewalWaits, from: string, choice: HandOverChoice = {}): Promise<string> {
  if (!(await waits.waitHealthy(`before the switchover from ${from}`))) throw new Error(`the cluster was not healthy, so the leader ${from} did not hand over`);
  const candidate = await handOverCandidate(cluster, from, choice);
  const { answer } = await cluster.callAgents('POST', '/switchover', { leader: from, candidate }, {}, SWITCHOVER_CALL_MS);
  if (answer.status !== 200) throw new Error(`the switchover from ${from} to ${candidate} was refused (${answer.status}): ${answer.text.trim().slice(0, 300)}`);
  const led = await waits.waitUntil(`${candidate} leading`, async () => {
    const leader = (await cluster.members())?.find((m) => LEADER_ROLES.has(m.role));
    return {
      ok: leader?.name === candidate && leader.state === 'running',
      detail: leader ? `${leader.name} is ${leader.state}` : 'no leader',
    };
  });
  if (!led) throw new Error(`${candidate} did not lead after the switchover from ${from}`);
  return candidate;
}
