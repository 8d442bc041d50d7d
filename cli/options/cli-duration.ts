// Durations on the command line: Terraform's (Go's) `30s`, `5m`, `1h30m`, `300ms`, PostgreSQL's
// `5min`, `30 s`, or a bare number of seconds.
import { parseDuration } from '../../agent/contract/pg-units.js';
import { quoted } from '../../agent/contract/quoted.js';
import { UserError } from '../user-error.js';

const GO_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** One `<amount><unit>` part; the parts of a Go duration follow one another with nothing between. */
const GO_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
const MAX_TEXT = 64;

function goDuration(text: string): number | undefined {
  let total = 0;
  GO_PART.lastIndex = 0;
  while (GO_PART.lastIndex < text.length) {
    const match = GO_PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * GO_UNITS_MS[match[2]!]!;
  }
  return text === '' ? undefined : Math.round(total);
}

/** Milliseconds, or a UserError naming the flag and showing what it accepts. */
export function cliDuration(flag: string, text: string): number {
  const trimmed = text.trim();
  const ms = trimmed.length > MAX_TEXT ? undefined : (goDuration(trimmed) ?? parseDuration(/^\d+$/.test(trimmed) ? Number(trimmed) : trimmed));
  if (ms === undefined || !Number.isFinite(ms)) throw new UserError(`--${flag}: ${quoted(text)} is not a duration (e.g. 0, 30s, 5m, 1h30m, 5min)`);
  return ms;
}
