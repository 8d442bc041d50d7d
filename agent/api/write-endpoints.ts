// The mutating endpoints, by method and first path segment. All of them require Basic auth when
// it is configured; any other method-and-path pair answers 501, as Patroni's server does.
import type { ApiContext } from './api-context.js';
import { textResponse, type ApiResponse, type WriteRequest } from './api-exchange.js';
import { patchConfigEndpoint, putConfig } from './config-endpoint.js';
import { failsafeEndpoint } from './failsafe-endpoint.js';
import { reinitializeEndpoint } from './reinitialize-endpoint.js';
import { cancelRestartEndpoint, restartEndpoint } from './restart-endpoint.js';
import { cancelSwitchover, switchoverEndpoint } from './switchover-endpoint.js';

export type WriteHandler = (request: WriteRequest, context: ApiContext) => Promise<ApiResponse>;

async function reloadEndpoint(_request: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  context.reload();
  return textResponse(202, 'reload scheduled');
}

export const WRITE_ENDPOINTS: ReadonlyMap<string, WriteHandler> = new Map<string, WriteHandler>([
  ['POST switchover', switchoverEndpoint('switchover')],
  ['POST failover', switchoverEndpoint('failover')],
  ['DELETE switchover', cancelSwitchover],
  ['PATCH config', patchConfigEndpoint],
  ['PUT config', putConfig],
  ['POST restart', restartEndpoint],
  ['DELETE restart', cancelRestartEndpoint],
  ['POST reinitialize', reinitializeEndpoint],
  ['POST reload', reloadEndpoint],
  ['POST failsafe', failsafeEndpoint],
]);
