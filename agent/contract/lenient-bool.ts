// Booleans as Patroni reads them from configuration and request bodies: `true`, `"on"`, `"yes"`,
// `1` are true; anything it cannot read is undefined, and the caller picks the fallback.

const TRUE = /^(on|true|yes|1)$/i;
const FALSE = /^(off|false|no|0)$/i;

export function parseLenientBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  if (TRUE.test(value)) return true;
  return FALSE.test(value) ? false : undefined;
}
