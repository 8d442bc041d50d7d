// A callback command as the words of its argv, split as a POSIX shell splits words (Patroni uses
// shlex.split): blanks separate words; single quotes keep everything literally; double quotes
// keep everything but a backslash before ", \, $ or `; a backslash outside quotes keeps the next
// character. Nothing is expanded: the command never runs through a shell.

/** The words, or a sentence on why the command cannot be split. */
export function commandWords(command: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? '') + c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) word = (word ?? '') + command[++i];
      else word = (word ?? '') + c;
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      if (i + 1 === command.length) return { error: 'it ends with a lone backslash' };
      word = (word ?? '') + command[++i];
    } else word = (word ?? '') + c;
  }
  if (quote) return { error: `its ${quote === "'" ? 'single' : 'double'} quote is not closed` };
  if (word !== undefined) words.push(word);
  if (words.length === 0) return { error: 'it names no program' };
  return { words };
}
