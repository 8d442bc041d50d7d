// What the tests read from an agent's log: its lines start with an ISO time, and a promotion is
// the line "<ISO time> INFO: promoting: ..." (the decision, before pg_promote).

/** When the line says the agent decided to promote (epoch ms); undefined for any other line. */
export function promotionLineTime(line: string): number | undefined {
  if (!line.includes(' INFO: promoting:')) return undefined;
  const at = Date.parse(line.split(' ')[0]!);
  return Number.isNaN(at) ? undefined : at;
}

/** When the agent last decided to promote, from its whole log. */
export function promotionTime(log: string): number {
  const at = log
    .split('\n')
    .map(promotionLineTime)
    .filter((time) => time !== undefined)
    .at(-1);
  if (at === undefined) throw new Error('the new primary never logged its promotion');
  return at;
}
