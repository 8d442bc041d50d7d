// `POST /restart` and `DELETE /restart`. The HA loop restarts PostgreSQL (at once, or when a
// scheduled restart comes due); this checks the request and turns the loop's outcome into
// Patroni's status and message.
import type { ApiContext, RestartOutcome } from './api-context.js';
import { textResponse, type ApiResponse, type WriteRequest } from './api-exchange.js';
import { restartConditionsHold, parseRestartRequest } from './restart-request.js';

function outcomeResponse(outcome: RestartOutcome): ApiResponse {
  switch (outcome.kind) {
    case 'restarted':
      return textResponse(200, 'restarted successfully');
    case 'still-starting':
      return textResponse(503, 'postgres is still starting');
    case 'failed':
      return textResponse(503, 'restart failed');
    case 'busy':
      return textResponse(503, `${outcome.action} already in progress`);
    case 'scheduled':
      return textResponse(202, 'Restart scheduled');
    case 'already-scheduled':
      return textResponse(409, 'Another restart is already scheduled');
  }
}

export async function restartEndpoint(http: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const body = await http.body(false);
  if (!body.ok) return body.response;
  const state = context.state();
  const parsed = parseRestartRequest(body.value, state.settings.pause, context.clock.wallTime().getTime());
  if (!parsed.ok) return parsed.response;
  const request = parsed.value;
  if (request.schedule === undefined && !restartConditionsHold(request, state, context.clock.now())) {
    return textResponse(503, 'restart conditions are not satisfied');
  }
  try {
    const outcome = await context.restart(request);
    context.wake();
    return outcomeResponse(outcome);
  } catch (error) {
    context.log.log('error', `restart request failed: ${error instanceof Error ? error.message : String(error)}`);
    return textResponse(400, 'restart failed');
  }
}

export async function cancelRestartEndpoint(_http: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  return (await context.cancelScheduledRestart()) ? textResponse(200, 'scheduled restart deleted') : textResponse(404, 'no restarts are scheduled');
}
