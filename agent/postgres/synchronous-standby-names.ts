// synchronous_standby_names as rules: who must confirm a commit before PostgreSQL acknowledges
// it, written and read back in the forms Patroni writes (`a`, `2 (a,b)`, `ANY 1 (a,b)`, `*`).

/** A commit waits until `count` of `members` have flushed it. `any` is `*`: every standby counts. */
export interface CommitRule {
  members: readonly string[];
  count: number;
  /** `ANY n (...)` (quorum) rather than `n (...)`, whose count here is always all of them. */
  quorum: boolean;
  any: boolean;
}

export const NO_COMMIT_RULE: CommitRule = { members: [], count: 0, quorum: false, any: false };
/** Strict mode with no standby to choose: commits wait until any standby confirms them. */
export const ANY_STANDBY: CommitRule = { members: [], count: 1, quorum: false, any: true };

function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** synchronous_standby_names for a rule, in Patroni's forms: `a`, `2 (a,b)`, `ANY 1 (a,b)`, `*`, or empty. */
export function renderCommitRule(rule: CommitRule): string {
  if (rule.any) return '*';
  if (rule.members.length === 0) return '';
  const names = [...rule.members].sort().map(quoteName);
  if (rule.quorum) return `ANY ${rule.count} (${names.join(',')})`;
  return names.length === 1 ? names[0]! : `${rule.count} (${names.join(',')})`;
}

function unquote(name: string): string {
  const trimmed = name.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
}

/** The rule a synchronous_standby_names value written by renderCommitRule states; undefined for any other value. */
export function parseCommitRule(text: string): CommitRule | undefined {
  const value = text.trim();
  if (value === '') return NO_COMMIT_RULE;
  if (value === '*') return ANY_STANDBY;
  const listed = /^(ANY\s+)?(\d+)\s*\((.*)\)$/i.exec(value);
  if (!listed) return /^("[^"]+"|[a-z_][a-z0-9_$]*)$/.test(value) ? { members: [unquote(value)], count: 1, quorum: false, any: false } : undefined;
  const members = listed[3]!.split(',').map(unquote).filter((name) => name !== '');
  const count = Number(listed[2]);
  const quorum = listed[1] !== undefined;
  if (!quorum && count !== members.length) return undefined;
  return { members, count, quorum, any: false };
}
