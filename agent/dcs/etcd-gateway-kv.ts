// KvBackend on etcd v3 through its JSON gateway (POST /v3/kv/range, /v3/kv/txn, ...), as
// Patroni talks to etcd: plain HTTP/1.1 with keep-alive instead of a gRPC stack, which keeps an
// idle agent small and quiet. Keys and values travel base64-encoded, int64s as strings.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DcsUnavailableError, LeaseNotFoundError, type Compare, type KvBackend, type Operation, type RangeResult } from './kv-backend.js';
import type { EtcdConnection } from './etcd-connection.js';

type Json = Record<string, unknown>;

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const unb64 = (text: unknown): string => (typeof text === 'string' ? Buffer.from(text, 'base64').toString() : '');
const int = (value: unknown): number => (value === undefined ? 0 : Number(value));

/** The first key after every key that starts with `prefix`, as etcd's range_end. */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

const TARGETS = { create: 'CREATE', mod: 'MOD', value: 'VALUE' } as const;

function compareJson(compare: Compare): Json {
  const base = { key: b64(compare.key), target: TARGETS[compare.target], result: 'EQUAL' };
  if (compare.target === 'value') return { ...base, value: b64(compare.equals) };
  return compare.target === 'create' ? { ...base, create_revision: String(compare.equals) } : { ...base, mod_revision: String(compare.equals) };
}

function operationJson(op: Operation): Json {
  if ('put' in op) return { request_put: { key: b64(op.put.key), value: b64(op.put.value), lease: op.put.lease ?? '0' } };
  return { request_delete_range: { key: b64(op.delete.key) } };
}

/** Reads a gateway answer: one JSON document, or a stream of them (watch). */
function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString()));
    response.on('error', reject);
  });
}

/** etcd's answers to a request without a valid token: log in again, once. */
const AUTH_REFUSAL = /auth token|user name is empty|permission denied|auth store/i;
const AUTH_NOT_ENABLED = /authentication is not enabled/;
/** Bound on the login that precedes opening a watch. */
const WATCH_LOGIN_TIMEOUT_MS = 5000;

function parseAnswer(text: string): Json {
  return (text ? JSON.parse(text) : {}) as Json;
}

/** Why etcd refused a request, from its answer: JSON with a message, or plain text. */
function refusal(text: string): string {
  if (text.includes('CommonName of client sending a request against gateway')) {
    return 'etcd refuses JSON-gateway requests made with a client certificate that has a Common Name (CN); give the agent a client certificate without one';
  }
  try {
    const answer = parseAnswer(text);
    return String(answer.message ?? answer.error ?? text);
  } catch {
    return text.trim();
  }
}

function connectionRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED';
}

class StaleConnectionError extends Error {}

/** The member closed or reset the connection before it answered. */
function dropped(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as Error).message === 'socket hang up';
}

/** A TLS request to a member that serves plain HTTP only: it drops or resets the handshake. */
function tlsRefused(error: unknown): boolean {
  return /wrong version number|before secure TLS connection was established|ECONNRESET|EPROTO/.test(String(error));
}

/** What etcd (Go) answers a plain-HTTP request on a TLS port. */
const PLAIN_ON_TLS = /HTTP request to an HTTPS server/;

export class EtcdGatewayKv implements KvBackend {
  private readonly agent: HttpAgent;
  private readonly plainAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  /** Members spoken to over plain HTTP for now (see EtcdConnection.plainHttpFallback). */
  private readonly plainHosts = new Set<string>();
  private readonly plainHttpFallback: boolean;
  private next = 0;
  private token: string | undefined;
  /** etcd said its authentication is off: credentials wait until a request is refused for want of a token. */
  private authOff = false;
  private closed = false;
  private readonly watches = new Set<() => void>();

  constructor(private readonly connection: EtcdConnection) {
    this.plainHttpFallback = connection.plainHttpFallback === true;
    const tls = connection.tls;
    this.agent =
      connection.protocol === 'https'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 4, ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}) })
        : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  /** One endpoint at a time, rotating after a failure, as Patroni does. */
  private endpoint(): string {
    return this.connection.hosts[this.next % this.connection.hosts.length]!;
  }

  /** Whether the current member is spoken to over plain HTTP though the connection is TLS. */
  private fellBack(): boolean {
    return this.plainHosts.has(this.endpoint());
  }

  private send(path: string, body: Json, timeoutMs: number, onResponse?: (response: IncomingMessage) => void): Promise<{ status: number; text: string }> {
    const [host, port] = splitHost(this.endpoint());
    const tls = this.connection.protocol === 'https' && !this.fellBack();
    const request = tls ? httpsRequest : httpRequest;
    // No token over a plain-HTTP fallback: authentication is off until every member serves TLS.
    const token = this.token && !this.fellBack() ? { authorization: this.token } : {};
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host,
          port,
          method: 'POST',
          path: `/v3${path}`,
          agent: this.fellBack() ? this.plainAgent : this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...token },
          timeout: timeoutMs,
        },
        (response) => {
          if (onResponse) return onResponse(response);
          readBody(response).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`etcd did not answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new Error(`etcd did not answer within ${timeoutMs} ms`)));
      // A kept-alive connection the member closed meanwhile (it restarted): the request never reached it.
      req.on('error', (error: NodeJS.ErrnoException) => reject(req.reusedSocket && dropped(error) ? new StaleConnectionError(error.message) : error));
      req.end(payload);
    });
  }

  private needsLogin(): boolean {
    return this.connection.auth !== undefined && this.token === undefined && !this.authOff && !this.fellBack();
  }

  private forgetLogin(): void {
    this.token = undefined;
    this.authOff = false;
  }

  private async authenticate(timeoutMs: number): Promise<void> {
    const auth = this.connection.auth;
    if (!auth) return;
    this.token = undefined;
    const { status, text } = await this.send('/auth/authenticate', { name: auth.username, password: auth.password }, timeoutMs);
    // Credentials come first when pgha turns authentication on, so an agent may hold them early.
    if (status !== 200 && AUTH_NOT_ENABLED.test(text)) {
      this.authOff = true;
      return;
    }
    if (status !== 200) throw new DcsUnavailableError(`etcd refused the credentials of ${auth.username}: ${refusal(text)}`);
    this.token = String(parseAnswer(text).token ?? '');
  }

  private async call(path: string, body: Json, timeoutMs: number): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    let loggedInAgain = false;
    /** Members found unable to serve this call: they refused the connection, or answered 5xx. */
    let unusable = 0;
    /** Moves between TLS and the plain-HTTP fallback within this call: at most one each way per member. */
    let moves = 0;
    const move = (): boolean => ++moves <= 2 * this.connection.hosts.length && Date.now() < deadline;
    const another = (): boolean => ++unusable < this.connection.hosts.length && Date.now() < deadline;
    for (;;) {
      try {
        if (this.needsLogin()) await this.authenticate(Math.max(1, deadline - Date.now()));
        const { status, text } = await this.send(path, body, Math.max(1, deadline - Date.now()));
        if (status === 200) return parseAnswer(text);
        const message = refusal(text);
        if (this.fellBack() && status === 400 && PLAIN_ON_TLS.test(text) && move()) {
          this.plainHosts.delete(this.endpoint());
          continue;
        }
        // A member that cannot serve (its gateway lost its own gRPC server, it lost the quorum) may not be the only one.
        if (status >= 500 && another()) {
          this.next++;
          continue;
        }
        if (/lease not found/.test(message)) throw new LeaseNotFoundError(message);
        if (AUTH_REFUSAL.test(message) && !loggedInAgain) {
          loggedInAgain = true;
          this.forgetLogin();
          continue;
        }
        throw new DcsUnavailableError(`etcd answered ${status}: ${message}`);
      } catch (error) {
        if (error instanceof LeaseNotFoundError || error instanceof DcsUnavailableError) throw error;
        if (error instanceof StaleConnectionError && move()) continue;
        // A member that moved to TLS drops a plain-HTTP request (or answers it with a 400, above).
        if (this.fellBack() && dropped(error) && move()) {
          this.plainHosts.delete(this.endpoint());
          continue;
        }
        if (this.plainHttpFallback && this.connection.protocol === 'https' && !this.fellBack() && tlsRefused(error) && move()) {
          this.plainHosts.add(this.endpoint());
          continue;
        }
        this.next++;
        // A member that refuses the connection (stopped, restarting) never saw the request: the next may answer in time.
        if (connectionRefused(error) && another()) continue;
        throw new DcsUnavailableError(error instanceof Error ? error.message : String(error));
      }
    }
  }

  async range(prefix: string, timeoutMs: number): Promise<RangeResult> {
    const answer = await this.call('/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix).toString('base64') }, timeoutMs);
    const kvs = ((answer.kvs as Json[] | undefined) ?? []).map((kv) => ({
      key: unb64(kv.key),
      value: unb64(kv.value),
      createRevision: int(kv.create_revision),
      modRevision: int(kv.mod_revision),
      lease: String(kv.lease ?? '0'),
    }));
    return { revision: int((answer.header as Json | undefined)?.revision), kvs };
  }

  async txn(compares: Compare[], success: Operation[], failure: Operation[], timeoutMs: number): Promise<boolean> {
    const answer = await this.call('/kv/txn', { compare: compares.map(compareJson), success: success.map(operationJson), failure: failure.map(operationJson) }, timeoutMs);
    return answer.succeeded === true;
  }

  async grantLease(ttlSeconds: number, timeoutMs: number): Promise<string> {
    return String((await this.call('/lease/grant', { TTL: String(ttlSeconds), ID: '0' }, timeoutMs)).ID);
  }

  async keepAlive(lease: string, timeoutMs: number): Promise<number> {
    const answer = await this.call('/lease/keepalive', { ID: lease }, timeoutMs);
    // An expired or revoked lease is answered without a TTL (or with a negative one).
    return Math.max(0, int((answer.result as Json | undefined)?.TTL));
  }

  async revokeLease(lease: string, timeoutMs: number): Promise<void> {
    try {
      await this.call('/lease/revoke', { ID: lease }, timeoutMs);
    } catch (error) {
      if (!(error instanceof LeaseNotFoundError)) throw error;
    }
  }

  /** A streaming POST /v3/watch, opened again (after a pause) whenever it breaks, until stopped. */
  watch(prefix: string, onChange: (keys: string[]) => void): () => void {
    let stopped = false;
    let current: IncomingMessage | undefined;
    const body = { create_request: { key: b64(prefix), range_end: prefixEnd(prefix).toString('base64') } };
    const open = (): void => {
      if (stopped || this.closed) return;
      const retry = (): void => void setTimeout(open, 1000).unref();
      const login = this.needsLogin() ? this.authenticate(WATCH_LOGIN_TIMEOUT_MS) : Promise.resolve();
      const opened = login.then(() => this.send('/watch', body, 2_147_483_647, (response) => {
        current = response;
        let buffered = '';
        response.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (!line) continue;
            try {
              const answer = JSON.parse(line) as Json;
              // A refused token ends the stream; the next open logs in again.
              if (answer.error !== undefined && AUTH_REFUSAL.test(JSON.stringify(answer.error))) this.forgetLogin();
              const events = ((answer.result as Json | undefined)?.events as Json[] | undefined) ?? [];
              if (events.length > 0) onChange(events.map((event) => unb64((event.kv as Json | undefined)?.key)));
            } catch {
              // A line that is not JSON is skipped; the next full line resynchronises.
            }
          }
        });
        response.on('end', retry);
        response.on('error', retry);
      }));
      opened.catch(retry);
    };
    open();
    const stop = (): void => {
      stopped = true;
      current?.destroy();
    };
    this.watches.add(stop);
    return () => {
      stop();
      this.watches.delete(stop);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.watches) stop();
    this.watches.clear();
    this.agent.destroy();
    this.plainAgent.destroy();
  }
}

function splitHost(endpoint: string): [string, number] {
  const colon = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, colon).replace(/^\[|\]$/g, ''), Number(endpoint.slice(colon + 1))];
}
