// `POST /switchover`, `POST /failover` and `DELETE /switchover`. A request becomes the DCS
// `failover` key, which the leader (or, without one, the candidate) acts on; an immediate one
// then blocks until the leader key names another member, as Patroni's does, so the client
// learns the outcome.
import type { FailoverRecord } from '../contract/dcs-records.js';
import type { ClusterState } from '../dcs/dcs.js';
import type { ApiContext } from './api-context.js';
import { textResponse, type ApiResponse, type WriteRequest } from './api-exchange.js';
import { attemptWrite, readClusterNow } from './dcs-calls.js';
import { isPausedIn } from './dynamic-config-view.js';
import { switchoverPrecheck } from './switchover-precheck.js';
import { parseSwitchoverRequest, type SwitchoverAction, type SwitchoverRequest } from './switchover-request.js';

const POLL_MS = 250;

const WORDS: Readonly<Record<SwitchoverAction, { title: string; past: string; pastTitle: string }>> = {
  switchover: { title: 'Switchover', past: 'switched', pastTitle: 'Switched' },
  failover: { title: 'Failover', past: 'failed', pastTitle: 'Failed' },
};

function isPending(cluster: ClusterState): boolean {
  const failover = cluster.failover?.value;
  return failover?.leader !== undefined || failover?.member !== undefined;
}

function failoverRecord(request: SwitchoverRequest): FailoverRecord {
  const record: FailoverRecord = {};
  if (request.leader !== undefined) record.leader = request.leader;
  if (request.candidate !== undefined) record.member = request.candidate;
  if (request.scheduledAt !== undefined) record.scheduled_at = request.scheduledAt;
  return record;
}

/** Polls etcd until another member holds the leader key, the request is dropped, or time runs out. */
async function awaitNewLeader(context: ApiContext, request: SwitchoverRequest, previousLeader: string | undefined, signal: AbortSignal): Promise<ApiResponse> {
  const { clock } = context;
  const { loopWaitMs } = context.state().settings;
  const { pollMs, timeoutMs } = context.switchoverWait ?? { pollMs: POLL_MS, timeoutMs: 2 * Math.max(10_000, loopWaitMs) };
  const words = WORDS[request.action];
  const deadline = clock.now() + timeoutMs;
  for (let poll = 0; poll < Math.ceil(timeoutMs / pollMs) && clock.now() < deadline && !signal.aborted; poll++) {
    await clock.sleep(Math.min(pollMs, deadline - clock.now()), signal);
    let cluster: ClusterState;
    try {
      cluster = await context.dcs.readCluster();
    } catch {
      continue;
    }
    const leader = cluster.leader?.name;
    if (leader !== undefined && leader !== previousLeader) {
      const { candidate } = request;
      const message =
        candidate === undefined || candidate === leader
          ? `Successfully ${words.past} over to "${leader}"`
          : `${words.pastTitle} over to "${leader}" instead of "${candidate}"`;
      return textResponse(200, message);
    }
    if (!isPending(cluster)) return textResponse(503, `${words.title} failed`);
  }
  return textResponse(503, `${words.title} status unknown`);
}

export function switchoverEndpoint(requested: SwitchoverAction): (request: WriteRequest, context: ApiContext) => Promise<ApiResponse> {
  return async (http, context) => {
    const body = await http.body(true);
    if (!body.ok) return body.response;
    const read = await readClusterNow(context);
    if (!read.ok) return read.response;
    const cluster = read.value;
    const parsed = parseSwitchoverRequest(body.value, requested, isPausedIn(cluster.config?.value), context.clock.wallTime().getTime());
    if (!parsed.ok) return parsed.response;
    const request = parsed.value;
    if (request.scheduledAt === undefined) {
      const problem = await switchoverPrecheck(cluster, request, context.fetchPeerStatus);
      if (problem !== undefined) return textResponse(412, problem);
    }
    const written = await attemptWrite(() => context.dcs.writeFailover(failoverRecord(request)));
    if (written !== true) return textResponse(503, 'failed to write failover key into DCS');
    context.wake();
    if (request.scheduledAt !== undefined) return textResponse(202, `${WORDS[request.action].title} scheduled`);
    return awaitNewLeader(context, request, cluster.leader?.name, http.signal);
  };
}

/** Cancels a scheduled switchover: the key is cleared to `{}` only if nobody changed it meanwhile. */
export async function cancelSwitchover(_http: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const read = await readClusterNow(context);
  if (!read.ok) return read.response;
  const failover = read.value.failover;
  if (failover?.value.scheduled_at === undefined) return textResponse(404, 'no switchover is scheduled');
  const written = await attemptWrite(() => context.dcs.writeFailover({}, failover.modRevision));
  if (written instanceof Error) return textResponse(503, `cannot clear the failover key: ${written.message}`);
  return written ? textResponse(200, 'scheduled switchover deleted') : textResponse(409, 'the scheduled switchover changed meanwhile; look again');
}
