// The configuration's etcd revision as an HTTP entity tag: `GET /config` sends it as `ETag`,
// and a `PATCH /config` with `If-Match` is refused with 412 unless the key is still at it. An
// addition of ours: Patroni's clients send no `If-Match`, and their requests are unchanged.
import { textResponse, type Validated } from './api-exchange.js';
import { quoted } from '../contract/quoted.js';

export function configEtag(modRevision: number): string {
  return `"${modRevision}"`;
}

/** The revision `If-Match` requires; undefined when the header is absent or `*` (any revision). */
export function requiredRevision(header: string | undefined): Validated<number | undefined> {
  const value = header?.trim();
  if (value === undefined || value === '*') return { ok: true, value: undefined };
  const digits = /^"(\d{1,15})"$/.exec(value)?.[1];
  if (digits === undefined) return { ok: false, response: textResponse(400, `If-Match must be one entity tag from GET /config, like "42", not ${quoted(value)}`) };
  return { ok: true, value: Number(digits) };
}
