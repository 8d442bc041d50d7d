// The known_hosts file a spec names: which host keys are trusted for which host and port, in
// OpenSSH's format (plain or hashed host names, `[host]:port`, wildcards, `@revoked`). pgha
// checks every host key against it and never connects to a host whose key is unknown or changed,
// unless the operator lets it record a first contact.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** Host patterns as written (`10.0.0.1`, `[db1]:2222`, `*.example.com`, `!bad`), or one hashed name. */
  patterns: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  revoked: boolean;
  /** 1-based line in the file, for messages. */
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'changed'; recordedAt: number[] }
  | { kind: 'revoked'; line: number };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = line.startsWith('@') ? fields.shift() : undefined;
    // @cert-authority lines trust a CA, which pgha does not use for host keys.
    if (marker === '@cert-authority' || fields.length < 3) return;
    const [hosts, keyType, key] = fields as [string, string, string];
    const entry: KnownHostEntry = { patterns: [], keyType, key: Buffer.from(key, 'base64'), revoked: marker === '@revoked', line: index + 1 };
    const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
    if (hashed) entry.hashed = { salt: Buffer.from(hashed[1]!, 'base64'), hash: Buffer.from(hashed[2]!, 'base64') };
    else entry.patterns = hosts.split(',');
    entries.push(entry);
  });
  return entries;
}

/** How OpenSSH names a host in known_hosts: bare on port 22, else `[host]:port`. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * OpenSSH's `*` (any run) and `?` (any one character), case-insensitive. Two cursors and the last
 * `*` seen, so at worst pattern length times name length: a regular expression built from a
 * pattern such as `*a*a*a*a*b` would backtrack exponentially.
 */
function wildcardMatch(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let pi = 0;
  let ni = 0;
  let star = -1;
  let resume = 0;
  while (ni < n.length) {
    if (p[pi] === '*') {
      star = pi++;
      resume = ni;
    } else if (pi < p.length && (p[pi] === '?' || p[pi] === n[ni])) {
      pi++;
      ni++;
    } else if (star >= 0) {
      pi = star + 1;
      ni = ++resume;
    } else return false;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) return createHmac('sha1', entry.hashed.salt).update(name).digest().equals(entry.hashed.hash);
  if (entry.patterns.some((p) => p.startsWith('!') && wildcardMatch(p.slice(1), name))) return false;
  return entry.patterns.some((p) => !p.startsWith('!') && wildcardMatch(p, name));
}

export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, key: Buffer): HostKeyVerdict {
  const name = hostName(host, port);
  const matching = entries.filter((entry) => entryMatches(entry, name));
  const revoked = matching.find((entry) => entry.revoked && entry.key.equals(key));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const trusted = matching.filter((entry) => !entry.revoked);
  if (trusted.some((entry) => entry.keyType === keyType && entry.key.equals(key))) return { kind: 'known' };
  if (trusted.length === 0) return { kind: 'unknown' };
  return { kind: 'changed', recordedAt: trusted.map((entry) => entry.line) };
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` and unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The line that records a first contact. */
export function knownHostsLine(host: string, port: number, keyType: string, key: Buffer): string {
  return `${hostName(host, port)} ${keyType} ${key.toString('base64')}`;
}
