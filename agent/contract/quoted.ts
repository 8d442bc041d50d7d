// A value someone sent or wrote, as an error message shows it: a string JSON-quoted (so a newline
// or a control character cannot break the message's line) and cut after its first 80 characters,
// so a 100 KB key or the contents of a file named by mistake never fill a log or a terminal.

export const QUOTED_LENGTH = 80;

function shortened(text: string): string {
  if (text.length <= QUOTED_LENGTH) return JSON.stringify(text);
  const cut = text.slice(0, QUOTED_LENGTH);
  // Half a surrogate pair would print as a replacement character.
  const whole = /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  return `${JSON.stringify(whole)}... (${text.length} characters)`;
}

/** `"work_mem"`, `"xx...x"... (100000 characters)`, `42`; a list or a mapping by its kind, never its contents. */
export function quoted(value: unknown): string {
  if (typeof value === 'string') return shortened(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}
