// The JSON object a mutating request carries, read within a size limit. As in Patroni: a
// required body needs a Content-Length (else 411) and must be a non-empty object (else 400);
// an optional one reads as `{}` when there is none. A body nested deeper than any request needs
// is refused before a handler walks it (a merge, a comparison) and overflows the stack.
import type { IncomingMessage } from 'node:http';
import { accepted, refused, textResponse, type JsonObject, type Validated } from './api-exchange.js';

/** Far deeper than any configuration (`postgresql.parameters.x` is 3), far shallower than a stack. */
const MAX_BODY_DEPTH = 32;

/** Whether `value` has objects or arrays nested more than `limit` deep; without recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The bytes of a body of `size` bytes, or undefined when the client stopped sending. */
function collect(request: IncomingMessage, size: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= size) chunks.push(chunk);
    });
    request.on('end', () => resolve(received === size ? Buffer.concat(chunks) : undefined));
    request.on('error', () => resolve(undefined));
    request.on('close', () => resolve(undefined));
  });
}

export async function readJsonObject(request: IncomingMessage, required: boolean, maxBytes: number): Promise<Validated<JsonObject>> {
  const length = request.headers['content-length'];
  if (length === undefined) {
    if (required) return refused(411, 'this request needs a JSON body with a Content-Length header');
    // A chunked body nobody reads would stall the request until its timeout.
    request.resume();
    return accepted({});
  }
  // node:http has already refused a Content-Length that is not a number.
  const size = Number(length);
  if (size > maxBytes) {
    // Closing the connection spares reading a body nobody will look at.
    return { ok: false, response: textResponse(413, `the request body is larger than ${maxBytes} bytes`, { Connection: 'close' }) };
  }
  if (size === 0) return required ? refused(400, 'the request body is empty; send a JSON object') : accepted({});
  const bytes = await collect(request, size);
  if (bytes === undefined) return refused(400, 'the request body ended before its Content-Length');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return refused(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refused(400, 'the request body must be a JSON object');
  if (nestedDeeperThan(value, MAX_BODY_DEPTH)) return refused(400, `the request body is nested more than ${MAX_BODY_DEPTH} levels deep`);
  if (required && Object.keys(value).length === 0) return refused(400, 'the request body is an empty JSON object');
  return accepted(value as JsonObject);
}
