// WAL positions: PostgreSQL prints them as `X/Y` (two hexadecimal 32-bit halves); the agent and
// Patroni's REST API use the absolute byte position. Positions stay far below 2^53.

const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function parseLsn(text: string): number {
  const match = LSN.exec(text.trim());
  if (!match) throw new Error(`not a WAL position: ${JSON.stringify(text)}`);
  return parseInt(match[1]!, 16) * 2 ** 32 + parseInt(match[2]!, 16);
}

export function formatLsn(position: number): string {
  const high = Math.floor(position / 2 ** 32);
  const low = position % 2 ** 32;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}
