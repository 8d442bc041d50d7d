// Asking another member how it is: `GET <api_url>` (its `/patroni`), once, with a hard deadline,
// as Patroni does in the leader race and before a switchover. A peer that does not answer in
// time, or answers with something that is not a JSON object, is simply unknown.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Credentials } from '../contract/schema-types.js';
import type { PeerSource } from '../ha/peer-source.js';
import type { PeerStatus } from '../ha/snapshot.js';
import { parseLenientBool } from '../contract/lenient-bool.js';

/** A peer's status document as it came over the wire: any JSON object, read defensively. */
export type PeerDocument = Record<string, unknown>;

/** `timeoutMs` overrides the client's deadline for one call. */
export type PeerStatusFetcher = (apiUrl: string, timeoutMs?: number) => Promise<PeerDocument | undefined>;

export interface PeerClientOptions {
  /** Patroni gives peers 2 s. */
  timeoutMs?: number;
  /** Basic credentials sent with every request over HTTPS, as Patroni sends them to its peers; never over plain HTTP. */
  auth?: Credentials;
  /** CA certificate(s) for https peers. */
  ca?: string | Buffer;
  /** A status document is a few kB; anything far larger is not one. */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

function readBody(response: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', () => resolve(undefined));
    response.on('close', () => resolve(undefined));
  });
}

function parseDocument(text: string | undefined): PeerDocument | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PeerDocument) : undefined;
  } catch {
    return undefined;
  }
}

/** A peer's answer: its status, body (undefined past the size limit) and headers. */
export interface PeerReply {
  status: number;
  text: string | undefined;
  headers: IncomingMessage['headers'];
}

/** One request to a peer's REST API with a deadline; undefined when it did not answer in time. */
export type PeerExchange = (apiUrl: string, request: { method: 'GET' | 'POST'; path?: string; body?: unknown; timeoutMs?: number }) => Promise<PeerReply | undefined>;

/**
 * Requests to peers: `path` replaces the api_url's own (`/patroni`); credentials go with every
 * request over HTTPS, never over plain HTTP, where a peer would get them in clear.
 */
export function createPeerExchange(options: PeerClientOptions = {}): PeerExchange {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const plain: Record<string, string> = { accept: 'application/json' };
  const secured = options.auth ? { ...plain, authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` } : plain;
  return (apiUrl, { method, path, body, timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS }) =>
    new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(apiUrl);
      } catch {
        return resolve(undefined);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return resolve(undefined);
      if (path !== undefined) url.pathname = path;
      const https = url.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = { ...(https ? secured : plain), ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }) };
      const signal = AbortSignal.timeout(timeoutMs);
      const request = send(url, { method, headers, signal, agent: false, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
        readBody(response, maxBytes).then(
          (text) => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }),
          () => resolve(undefined),
        );
      });
      request.on('error', () => resolve(undefined));
      request.end(payload);
    });
}

export function createPeerClient(options: PeerClientOptions = {}): PeerStatusFetcher {
  const exchange = createPeerExchange(options);
  return async (apiUrl, timeoutMs) => parseDocument((await exchange(apiUrl, { method: 'GET', ...(timeoutMs === undefined ? {} : { timeoutMs }) }))?.text);
}

function numberIn(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function objectIn(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * What the leader race needs from a peer's document. A primary shows itself by its role or a
 * non-zero flush location; a document without `xlog` counts as no answer, as in Patroni.
 */
export function peerStatusFrom(name: string, document: PeerDocument | undefined): PeerStatus {
  const xlog = objectIn(document?.xlog);
  const tags = objectIn(document?.tags) ?? {};
  const priority = typeof tags.failover_priority === 'number' ? tags.failover_priority : Number.parseInt(String(tags.failover_priority ?? 1), 10);
  const failoverPriority = Number.isNaN(priority) ? 1 : priority;
  const noFailoverTag = parseLenientBool(tags.nofailover);
  const location = numberIn(xlog?.location);
  const status: PeerStatus = {
    name,
    reachable: document !== undefined && xlog !== undefined,
    isPrimary: document?.role === 'primary' || document?.role === 'master' || location !== 0,
    watchdogFailed: document?.watchdog_failed === true,
    walPosition: location || Math.max(numberIn(xlog?.received_location), numberIn(xlog?.replayed_location)),
    // An explicit nofailover wins; without one, a priority of 0 or less means the same.
    nofailover: noFailoverTag ?? failoverPriority <= 0,
    failoverPriority,
  };
  if (typeof document?.timeline === 'number') status.timeline = document.timeline;
  return status;
}

/** The HA loop's PeerSource over this client: every member asked at once, none waited for past the deadline. */
export function peerSourceOf(fetchStatus: PeerStatusFetcher): PeerSource {
  return {
    gather: (members, timeoutMs) => Promise.all(members.map(async (member) => peerStatusFrom(member.name, await fetchStatus(member.record.api_url, timeoutMs)))),
  };
}
