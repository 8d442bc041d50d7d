// Requests and responses as the endpoint handlers see them, apart from node:http: handlers
// return values, the server writes them. Patroni answers mutating requests with a short text
// message (`text/html`, as its stdlib server does) and everything else with JSON.
import type { RequestTarget } from './request-target.js';

export interface ApiResponse {
  status: number;
  body: string;
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
}

/** A value that passed a check, or the response that refuses the request. */
export type Validated<T> = { ok: true; value: T } | { ok: false; response: ApiResponse };

export type JsonObject = Record<string, unknown>;

export interface WriteRequest {
  target: RequestTarget;
  /** The JSON object body; when it is optional, a request without one reads as `{}`. */
  body(required: boolean): Promise<Validated<JsonObject>>;
  /** A request header's value (the first, when sent twice); `name` in lower case. */
  header(name: string): string | undefined;
  /** Aborted when the client goes away, so a long wait on its behalf can stop. */
  signal: AbortSignal;
}

export const JSON_CONTENT_TYPE = 'application/json';
const TEXT_CONTENT_TYPE = 'text/html; charset=utf-8';

export function jsonResponse(status: number, value: unknown): ApiResponse {
  return { status, body: JSON.stringify(value), contentType: JSON_CONTENT_TYPE };
}

export function textResponse(status: number, message: string, headers?: Readonly<Record<string, string>>): ApiResponse {
  return headers ? { status, body: message, contentType: TEXT_CONTENT_TYPE, headers } : { status, body: message, contentType: TEXT_CONTENT_TYPE };
}

/** Status line only: HEAD, OPTIONS, `/liveness` and `/readiness`. */
export function statusResponse(status: number): ApiResponse {
  return { status, body: '' };
}

export function accepted<T>(value: T): Validated<T> {
  return { ok: true, value };
}

export function refused<T>(status: number, message: string): Validated<T> {
  return { ok: false, response: textResponse(status, message) };
}
