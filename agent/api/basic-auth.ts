// HTTP Basic authentication of mutating requests, with Patroni's messages. Both sides are hashed
// before the comparison, so it takes the same time whatever the client sent and however long.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../contract/schema-types.js';
import { textResponse, type ApiResponse } from './api-exchange.js';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Patroni"' };

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A checker of the Authorization header: undefined when the request may proceed, else the 401 to send. */
export function basicAuthChecker(credentials: Credentials | undefined): (header: string | undefined) => ApiResponse | undefined {
  if (!credentials) return () => undefined;
  const expected = digest(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
  return (header) => {
    if (header === undefined) return textResponse(401, 'no auth header received', CHALLENGE);
    const token = header.startsWith('Basic ') ? header.slice('Basic '.length) : '';
    return timingSafeEqual(digest(token), expected) ? undefined : textResponse(401, 'not authenticated', CHALLENGE);
  };
}
