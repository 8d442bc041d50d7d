// Timestamps as text: ISO 8601 from clients (`2026-11-23T10:00:00+01:00`), and PostgreSQL's
// `timestamptz::text` (`2026-11-22 14:08:28.85388+00`), which Patroni shows with a full
// `+00:00` offset.

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ParsedTimestamp {
  /** Epoch milliseconds, with sub-millisecond digits kept as a fraction; read as UTC when the text names no zone. */
  epochMs: number;
  hasZone: boolean;
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match as unknown as string[];
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(utc);
  // Date.UTC rolls 2026-02-30 over into March; a real timestamp reads back the same.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const shift = zone === undefined ? 0 : offsetMinutes(zone);
  return { epochMs: utc - shift * 60_000 + (fraction === '' ? 0 : Number(fraction) * 1000), hasZone: zone !== undefined };
}

/** `...+00` becomes `...+00:00`, the form Patroni reports PostgreSQL's timestamps in. */
export function patroniTimestamp(pgText: string): string {
  return /[+-]\d{2}$/.test(pgText) ? `${pgText}:00` : pgText;
}
