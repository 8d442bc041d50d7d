// The name of a member's physical replication slot on the primary, as Patroni makes it: the
// agent creates and drops slots by it, and pgha checks that a removed member's slot is gone.

/** Patroni's slot name for a member: lower case, `-` and `.` become `_`, other characters `u<code>`, at most 63. */
export function slotNameFor(member: string): string {
  return [...member.toLowerCase()]
    .map((c) => (/[a-z0-9_]/.test(c) ? c : c === '-' || c === '.' ? '_' : `u${String(c.codePointAt(0)).padStart(4, '0')}`))
    .join('')
    .slice(0, 63);
}
