// `POST /reinitialize`: replace this replica's data with a new copy, built beside it and swapped in
// once complete. Refused on the leader and in a cluster without one, with Patroni's messages; the
// HA loop does the work.
import { cloneSource } from '../ha/clone-source.js';
import type { ApiContext } from './api-context.js';
import { textResponse, type ApiResponse, type WriteRequest } from './api-exchange.js';
import { readClusterNow } from './dcs-calls.js';
import { parseLenientBool } from '../contract/lenient-bool.js';

export async function reinitializeEndpoint(http: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const body = await http.body(false);
  if (!body.ok) return body.response;
  const read = await readClusterNow(context);
  if (!read.ok) return read.response;
  const leader = read.value.leader?.name;
  if (leader === undefined) return textResponse(503, 'Cluster has no leader, can not reinitialize');
  if (leader === context.state().name) return textResponse(503, 'I am the leader, can not reinitialize');
  const fromLeader = parseLenientBool(body.value.from_leader) ?? false;
  const outcome = await context.reinitialize({
    force: parseLenientBool(body.value.force) ?? false,
    from: cloneSource(read.value, context.state().name, leader, fromLeader),
  });
  context.wake();
  return outcome.kind === 'started' ? textResponse(200, 'reinitialize started') : textResponse(503, `${outcome.action} already in progress`);
}
