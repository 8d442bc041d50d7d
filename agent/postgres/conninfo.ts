// libpq keyword/value connection strings (`host=a port=5432 user='x y'`), written and read back.

export type ConninfoParams = Record<string, string | number>;

function quoteConninfoValue(value: string): string {
  if (value !== '' && /^[^\s'\\]+$/.test(value)) return value;
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export function formatConninfo(params: ConninfoParams): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${quoteConninfoValue(String(value))}`)
    .join(' ');
}

export function parseConninfo(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const pair = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']*))/y;
  let match: RegExpExecArray | null;
  while ((match = pair.exec(text)) !== null) {
    params[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return params;
}
