// Mutating requests carry JSON. A body declared as anything else is refused with 415 before it is
// read: `text/plain`, form and multipart bodies are what a web page can send to any address
// without the browser asking first (no CORS preflight), so this shuts out requests forged by a
// page an operator happens to open. A request that declares no type passes: Patroni's own clients
// (patronictl 3) send their JSON bodies without a Content-Type, and a browser cannot send a form
// without one.
import { JSON_CONTENT_TYPE, textResponse, type ApiResponse } from './api-exchange.js';

/** Undefined when the request may proceed, else the 415 to send. */
export function checkJsonContentType(header: string | undefined): ApiResponse | undefined {
  if (header === undefined) return undefined;
  const mediaType = header.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === JSON_CONTENT_TYPE) return undefined;
  return textResponse(415, `Content-Type must be ${JSON_CONTENT_TYPE}, not "${mediaType.slice(0, 80)}"`);
}
