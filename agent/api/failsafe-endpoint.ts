// `POST /failsafe`: a primary that cannot reach etcd asks this member to confirm it. 502 when
// failsafe mode is off, 500 when this member runs a primary itself, else 200 `Accepted` with this
// member's WAL position in an `lsn` header; the HA loop then counts that primary as the leader
// for ttl.
import type { FailsafeCall } from '../ha/failsafe.js';
import type { ApiContext } from './api-context.js';
import { textResponse, type ApiResponse, type JsonObject, type WriteRequest } from './api-exchange.js';

const REQUIRED_TEXT = ['name', 'conn_url', 'api_url'] as const;

function isSlots(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((lsn) => typeof lsn === 'number' && Number.isFinite(lsn));
}

/** The call, or a sentence saying what is wrong with the body. */
export function failsafeCallFrom(body: JsonObject): FailsafeCall | string {
  for (const field of REQUIRED_TEXT) {
    if (typeof body[field] !== 'string' || body[field] === '') return `${field} must be a non-empty string`;
  }
  const call: FailsafeCall = { name: body.name as string, conn_url: body.conn_url as string, api_url: body.api_url as string };
  if (body.slots === undefined || body.slots === null) return call;
  if (!isSlots(body.slots)) return 'slots must map slot names to WAL positions';
  return { ...call, slots: body.slots };
}

export async function failsafeEndpoint(http: WriteRequest, context: ApiContext): Promise<ApiResponse> {
  const body = await http.body(true);
  if (!body.ok) return body.response;
  const call = failsafeCallFrom(body.value);
  if (typeof call === 'string') return textResponse(400, call);
  const verdict = context.acceptFailsafe(call);
  if (verdict.kind === 'off') return textResponse(502, 'failsafe mode is not enabled');
  if (verdict.kind === 'running-as-leader') return textResponse(500, 'Running as a leader');
  return textResponse(200, 'Accepted', { lsn: String(verdict.lsn) });
}
