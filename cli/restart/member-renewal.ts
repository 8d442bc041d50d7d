// One member's PostgreSQL renewed through its agent (POST /restart, POST /reinitialize), and the
// wait until it runs again: a new postmaster start time, and streaming on a replica.
import { agentBack } from '../engine/cluster-gate.js';
import type { ApplyContext } from '../resources/resource-handler.js';
import type { ClusterWriter } from '../transport/cluster-access.js';

/** POST /restart answers once PostgreSQL is up again, within primary_start_timeout (60 s by default). */
const RENEWAL_CALL_MS = 120_000;

export type RenewalWaits = Pick<ApplyContext, 'waitHealthy' | 'waitUntil'>;

export const startTime = (status: unknown): unknown => (status as { postmaster_start_time?: unknown } | undefined)?.postmaster_start_time;

export interface Renewal {
  /** `/restart` or `/reinitialize`. */
  path: string;
  body: Record<string, unknown>;
  /** "restarted", "reinitialized". */
  done: string;
  /** How it runs again: "as a replica". */
  where: string;
}

export async function renewMember(cluster: ClusterWriter, waits: RenewalWaits, name: string, apiUrl: string, renewal: Renewal): Promise<void> {
  const before = startTime(await cluster.memberStatus(apiUrl));
  const answer = await cluster.callMember(apiUrl, 'POST', renewal.path, renewal.body, RENEWAL_CALL_MS);
  if (answer.status !== 200) throw new Error(`PostgreSQL on ${name} was not ${renewal.done}: its agent answered ${answer.status} ${answer.text.trim().slice(0, 200)}`);
  const back = await waits.waitUntil(`PostgreSQL on ${name} running again ${renewal.where}`, async () => {
    const status = await cluster.memberStatus(apiUrl);
    if (status && startTime(status) === before) return { ok: false, detail: `${name} still runs the PostgreSQL started at ${String(before)}` };
    return agentBack(name, status);
  });
  if (!back) throw new Error(`PostgreSQL on ${name} did not run again once ${renewal.done}; see journalctl -u pgha-agent.service on ${name}`);
}
