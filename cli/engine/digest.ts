// Digests that identify a desired or observed state without carrying it (it may hold secrets):
// HMAC-SHA-256 under a key that never leaves the machine running pgha (see plan/digest-key.ts),
// so a plan, saved or printed, is no oracle for guessing a secret it was made with.
import { createHmac } from 'node:crypto';

export interface Digester {
  /** Names the key without revealing it, so a plan made with another key is told apart. */
  keyId: string;
  of(value: unknown): string;
}

export function digester(key: Buffer): Digester {
  const hmac = (text: string): string => createHmac('sha256', key).update(text).digest('hex');
  // Not JSON, so no value's digest equals the key's id.
  return { keyId: hmac('pgha digest key id'), of: (value) => hmac(JSON.stringify(value) ?? 'undefined') };
}
