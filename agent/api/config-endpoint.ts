// `GET /config`, `PATCH /config` and `PUT /config`: the dynamic configuration in the DCS
// `config` key. Writes are checked first (schema, timing rule, settings not supported yet), then
// wake the HA loop, which applies the new settings in its next cycle.
import { isDeepStrictEqual } from 'node:util';
import type { ApiContext } from './api-context.js';
import { jsonResponse, textResponse, type ApiResponse, type JsonObject, type WriteRequest } from './api-exchange.js';
import { attemptWrite, readClusterNow, recentCluster } from './dcs-calls.js';
import { patchConfig } from './config-patch.js';
import { configEtag, requiredRevision } from './config-revision.js';

const NO_CONFIG = 'the cluster has no configuration in etcd';

/**
 * The schema check loads a JSON Schema compiler; it is imported when a configuration is first
 * written, not at start, so an agent that is never reconfigured does not carry it.
 */
async function invalid(config: JsonObject): Promise<ApiResponse | undefined> {
  const { dynamicConfigProblems } = await import('./config-check.js');
  const problems = dynamicConfigProblems(config);
  return problems.length === 0 ? undefined : textResponse(400, `invalid configuration: ${problems.join('; ')}`);
}

export async function getConfig(context: ApiContext): Promise<ApiResponse> {
  const read = await recentCluster(context);
  if (!read.ok) return read.response;
  const config = read.value.config;
  return config ? { ...jsonResponse(200, config.value), headers: { ETag: configEtag(config.modRevision) } } : textResponse(502, NO_CONFIG);
}

/**
 * Merges the body into the current configuration; the write is a compare-and-set on the key's
 * revision, which `If-Match` may also name (as `pgha apply` does with the revision it planned).
 */
export async function patchConfigEndpoint(request: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const required = requiredRevision(request.header('if-match'));
  if (!required.ok) return required.response;
  const body = await request.body(true);
  if (!body.ok) return body.response;
  const read = await readClusterNow(context);
  if (!read.ok) return read.response;
  const current = read.value.config;
  if (!current) return textResponse(503, NO_CONFIG);
  if (required.value !== undefined && required.value !== current.modRevision) {
    return textResponse(412, `the configuration is at revision ${current.modRevision}, not ${required.value}; read it again`);
  }
  const { config, changed } = patchConfig(current.value, body.value);
  if (changed) {
    const refusal = await invalid(config);
    if (refusal) return refusal;
    const written = await attemptWrite(() => context.dcs.writeConfig(config, current.modRevision));
    if (written instanceof Error) return textResponse(503, `cannot write the configuration to etcd: ${written.message}`);
    if (!written) return textResponse(409, 'the configuration changed while this request was handled; read it again and retry');
  }
  context.wake();
  return jsonResponse(200, config);
}

/** Replaces the configuration with the body, unconditionally (written only when it differs). */
export async function putConfig(request: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const body = await request.body(true);
  if (!body.ok) return body.response;
  const refusal = await invalid(body.value);
  if (refusal) return refusal;
  const read = await readClusterNow(context);
  if (!read.ok) return read.response;
  if (!isDeepStrictEqual(read.value.config?.value, body.value)) {
    const written = await attemptWrite(() => context.dcs.writeConfig(body.value));
    if (written !== true) return textResponse(502, `cannot write the configuration to etcd${written instanceof Error ? `: ${written.message}` : ''}`);
  }
  context.wake();
  return jsonResponse(200, body.value);
}
