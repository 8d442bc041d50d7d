// The one place where an argument vector becomes a command line for a remote shell: every
// argument is single-quoted unless it is made only of characters no shell treats specially.
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArgument(argument: string): string {
  if (PLAIN.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'"'"'`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an empty command');
  return argv.map(quoteArgument).join(' ');
}
