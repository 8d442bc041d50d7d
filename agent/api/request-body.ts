// The JSON object a mutating request carries, read within a size limit. As in Patroni: a
// required body needs a Content-Length (else 411) and must be a non-empty object (else 400);
// an optional one reads as `{}` when there is none.
import type { IncomingMessage } from 'node:http';
import { accepted, refused, textResponse, type JsonObject, type Validated } from './api-exchange.js';

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
  if (required && Object.keys(value).length === 0) return refused(400, 'the request body is an empty JSON object');
  return accepted(value as JsonObject);
}
