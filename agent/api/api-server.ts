// The REST API over node:http (node:https when given a certificate), routed as Patroni routes:
// by method and first path segment. GET, HEAD and OPTIONS are never authenticated; a mutating
// request must pass Basic auth, then declare JSON if it declares a type (json-content-type.ts).
// HEAD and OPTIONS answer the generic health check with a status only. Requests are bounded in
// size and time, and nothing a client sends can take the process down: a failing handler is a 500.
import { createServer as createHttpServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as NetServer } from 'node:net';
import type { Credentials } from '../contract/schema-types.js';
import type { ApiContext } from './api-context.js';
import { statusResponse, textResponse, type ApiResponse, type WriteRequest } from './api-exchange.js';
import { basicAuthChecker } from './basic-auth.js';
import { dualProtocolListener } from './dual-protocol-listener.js';
import { healthCheckStatus } from './health-check.js';
import { checkJsonContentType } from './json-content-type.js';
import { healthCheckResponse, READ_ENDPOINTS } from './read-endpoints.js';
import { readJsonObject } from './request-body.js';
import { parseRequestTarget, type RequestTarget } from './request-target.js';
import { WRITE_ENDPOINTS } from './write-endpoints.js';

export interface ApiServerOptions {
  /** Address to listen on; `*` or empty: every address. */
  host: string;
  /** 0: any free port (see ApiServer.port). */
  port: number;
  /** Basic credentials every mutating request must carry. */
  auth?: Credentials;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer };
  /** With `tls`, serve plain HTTP too on the same port (see dual-protocol-listener.ts). */
  plainHttpFallback?: boolean;
  /** Largest request body accepted; default 64 KiB. */
  maxBodyBytes?: number;
  /** Time a client has to send a whole request, headers and body; default 10 s. */
  requestTimeoutMs?: number;
  /** How long close() lets requests in progress finish before cutting them off; default 1 s. */
  closeGraceMs?: number;
}

export interface ApiServer {
  readonly port: number;
  /** `http(s)://host:port`, for tests and logs. */
  readonly url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const DEFAULT_CLOSE_GRACE_MS = 1_000;

function send(response: ServerResponse, reply: ApiResponse): void {
  if (response.headersSent || response.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) };
  if (reply.contentType) headers['Content-Type'] = reply.contentType;
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

function writeRequest(request: IncomingMessage, response: ServerResponse, target: RequestTarget, maxBodyBytes: number): WriteRequest {
  const gone = new AbortController();
  response.on('close', () => gone.abort());
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { target, body: (required) => readJsonObject(request, required, maxBodyBytes), header, signal: gone.signal };
}

function requestListener(context: ApiContext, options: ApiServerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const checkAuth = basicAuthChecker(options.auth);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  function route(request: IncomingMessage, response: ServerResponse, method: string, target: RequestTarget): ApiResponse | Promise<ApiResponse> {
    if (method === 'GET') return (READ_ENDPOINTS.get(target.segment) ?? healthCheckResponse)(target, context);
    if (method === 'HEAD' || method === 'OPTIONS') {
      return statusResponse(healthCheckStatus(method, target.path, target.query, context.state(), context.clock.now()));
    }
    const handler = WRITE_ENDPOINTS.get(`${method} ${target.segment}`);
    if (!handler) return textResponse(501, `Unsupported method ('${method}')`);
    return checkAuth(request.headers.authorization) ?? checkJsonContentType(request.headers['content-type']) ?? handler(writeRequest(request, response, target, maxBodyBytes), context);
  }

  function fail(response: ServerResponse, method: string, url: string, error: unknown): void {
    context.log.log('error', `REST API ${method} ${url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    send(response, textResponse(500, 'internal error; see the agent log'));
  }

  return (request, response) => {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    try {
      const reply = route(request, response, method, parseRequestTarget(url));
      if (reply instanceof Promise) reply.then((done) => send(response, done), (error: unknown) => fail(response, method, url, error));
      else send(response, reply);
    } catch (error) {
      fail(response, method, url, error);
    }
  };
}

function listen(server: NetServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '*' || host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startApiServer(context: ApiContext, options: ApiServerOptions): Promise<ApiServer> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const serverOptions: ServerOptions = {
    requestTimeout,
    headersTimeout: requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // How often node:http looks for clients past their time; its default, 30 s, would let slow ones linger.
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  };
  const listener = requestListener(context, options);
  const https = options.tls ? createHttpsServer({ ...serverOptions, ...options.tls }, listener) : undefined;
  const plain = !https || options.plainHttpFallback ? createHttpServer(serverOptions, listener) : undefined;
  const servers = [https, plain].filter((server) => server !== undefined);
  const listening: NetServer = https && plain ? dualProtocolListener(https, plain, requestTimeout) : servers[0]!;
  await listen(listening, options.host, options.port);
  // Without a listener, an error accepting a connection (EMFILE under a flood) would end the process.
  listening.on('error', (error) => context.log.log('error', `REST API server: ${error.message}`));
  const address = listening.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '*' || options.host === '' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `${https ? 'https' : 'http'}://${shownHost}:${port}`,
    close: () =>
      new Promise((resolve) => {
        const cutOff = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
        listening.close(() => {
          clearTimeout(cutOff);
          resolve();
        });
        servers.forEach((server) => server.closeIdleConnections());
      }),
  };
}
