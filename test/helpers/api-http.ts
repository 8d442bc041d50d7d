// HTTP requests for REST API tests: one connection per request (or a raw socket for bytes no
// HTTP client would send), each bounded in time.
import { request } from 'node:http';
import { connect } from 'node:net';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  /** A string or object (sent as JSON) with a Content-Length; `chunked` sends it without one. */
  body?: unknown;
  chunked?: boolean;
  timeoutMs?: number;
}

export function http(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const text = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const headers: Record<string, string> = { ...call.headers };
  if (text !== undefined && !call.chunked) headers['Content-Length'] = String(Buffer.byteLength(text));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: call.method ?? 'GET', headers, agent: false, signal: AbortSignal.timeout(call.timeoutMs ?? 10_000) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // end(text) would add a Content-Length; write() first keeps the body chunked.
    if (call.chunked && text !== undefined) req.write(text);
    req.end(call.chunked ? undefined : text);
  });
}

export function basicAuth(username: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/**
 * Writes `chunks` to a raw connection (pausing `pauseMs` between them) and resolves with what
 * the server sent back once it closed the connection, and how long that took.
 */
export function rawExchange(port: number, chunks: (string | Buffer)[], options: { pauseMs?: number; timeoutMs?: number } = {}): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply: Buffer.concat(received).toString('latin1'), closedAfterMs: performance.now() - started });
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
    });
  });
}
