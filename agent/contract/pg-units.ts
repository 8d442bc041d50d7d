// PostgreSQL's unit syntax for sizes and durations ("1MB", "30min"), as Patroni accepts it in
// its dynamic configuration. Memory units are binary (1kB = 1024B) and case-sensitive.

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Applied to the text trimmed first: neighbouring parts share no character, so the match takes
 * linear time whatever it is given (a network client's 100 KB of spaces included). Written as
 * `\s*(...)\s*(...)\s*$` on the untrimmed text, it would backtrack quadratically.
 */
const QUANTITY = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/;

function parseQuantity(text: string, units: Readonly<Record<string, number>>, bareUnit: number): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, string];
  const factor = unit === '' ? bareUnit : units[unit];
  if (factor === undefined) return undefined;
  const quantity = Math.round(Number(amount) * factor);
  return Number.isFinite(quantity) ? quantity : undefined;
}

/** Bytes from an integer (bytes) or a string such as "1MB"; undefined when it is not a size. */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  return parseQuantity(value, SIZE_UNITS, 1);
}

/** Milliseconds from an integer (seconds) or a string such as "30min"; undefined when it is not a duration. */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value * 1000 : undefined;
  return parseQuantity(value, DURATION_UNITS_MS, 1000);
}
