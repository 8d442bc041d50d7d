// The GET endpoints with handlers of their own, by first path segment. Every other GET path is
// a health check (see healthCheckResponse), so an unknown path answers 503 with the status.
import type { ApiContext } from './api-context.js';
import { jsonResponse, statusResponse, textResponse, type ApiResponse } from './api-exchange.js';
import { clusterDocument } from './cluster-document.js';
import { getConfig } from './config-endpoint.js';
import { readClusterNow, recentCluster } from './dcs-calls.js';
import { failsafeModeIn } from './dynamic-config-view.js';
import { healthCheckStatus } from './health-check.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import { nodeStatus } from './node-status.js';
import { lastConfig } from './node-view.js';
import type { RequestTarget } from './request-target.js';

export type ReadHandler = (target: RequestTarget, context: ApiContext) => ApiResponse | Promise<ApiResponse>;

/** Read from etcd, as Patroni does; the HA loop's last view when etcd does not answer. */
async function clusterEndpoint(_target: RequestTarget, context: ApiContext): Promise<ApiResponse> {
  const state = context.state();
  const read = await readClusterNow(context);
  if (read.ok) return jsonResponse(200, clusterDocument(read.value, state.scope));
  return state.cluster ? jsonResponse(200, clusterDocument(state.cluster, state.scope)) : read.response;
}

async function historyEndpoint(_target: RequestTarget, context: ApiContext): Promise<ApiResponse> {
  const read = await recentCluster(context);
  return read.ok ? jsonResponse(200, read.value.history) : read.response;
}

function failsafeEndpoint(_target: RequestTarget, context: ApiContext): ApiResponse {
  const state = context.state();
  const failsafe = state.cluster?.failsafe;
  return failsafeModeIn(lastConfig(state)) && failsafe ? jsonResponse(200, failsafe) : textResponse(502, 'failsafe mode is not active');
}

function statusOnlyCheck(target: RequestTarget, context: ApiContext): ApiResponse {
  return statusResponse(healthCheckStatus('GET', target.path, target.query, context.state(), context.clock.now()));
}

export const READ_ENDPOINTS: ReadonlyMap<string, ReadHandler> = new Map<string, ReadHandler>([
  ['patroni', (_target, context) => jsonResponse(200, nodeStatus(context.state(), context.clock.now()))],
  ['cluster', clusterEndpoint],
  ['history', historyEndpoint],
  ['config', (_target, context) => getConfig(context)],
  ['failsafe', failsafeEndpoint],
  ['metrics', (_target, context) => ({ status: 200, body: renderMetrics(context.state(), context.clock.now()), contentType: METRICS_CONTENT_TYPE })],
  ['liveness', statusOnlyCheck],
  ['readiness', statusOnlyCheck],
]);

/** Any other GET: the health check of its path, with the node status as the body whatever the code. */
export function healthCheckResponse(target: RequestTarget, context: ApiContext): ApiResponse {
  const state = context.state();
  const now = context.clock.now();
  return jsonResponse(healthCheckStatus('GET', target.path, target.query, state, now), nodeStatus(state, now));
}
