// PostgreSQL's SCRAM-SHA-256 password verifier (the text pg_authid.rolpassword holds): made here,
// so a password reaches the server only as its verifier, and checked here, so a plan can tell
// whether a role's password is the spec's without the server ever showing the password.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

// PostgreSQL runs SASLprep on the password first; NFKC normalization is its main step and the
// only one that changes a password without control or unassigned characters.
function keys(password: string, salt: Buffer, iterations: number): { stored: Buffer; server: Buffer } {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return { stored: createHash('sha256').update(hmac(salted, 'Client Key')).digest(), server: hmac(salted, 'Server Key') };
}

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  const { stored, server } = keys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${stored.toString('base64')}:${server.toString('base64')}`;
}

/** Whether `verifier` (a rolpassword: SCRAM, md5 or null) is one of `password`; md5 and null never are. */
export function verifierMatches(verifier: string | null, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier ?? '');
  if (!match) return false;
  const { stored, server } = keys(password, Buffer.from(match[2]!, 'base64'), Number(match[1]));
  const storedSeen = Buffer.from(match[3]!, 'base64');
  const serverSeen = Buffer.from(match[4]!, 'base64');
  return storedSeen.length === stored.length && serverSeen.length === server.length && timingSafeEqual(storedSeen, stored) && timingSafeEqual(serverSeen, server);
}
