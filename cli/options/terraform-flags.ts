// Terraform spells long flags with one dash (`-auto-approve`, `-lock-timeout=5m`, `-out=FILE`);
// yargs would read `-auto-approve` as eleven one-letter flags. A word of two or more letters after
// a single dash is given its second dash; one-letter flags (`-h`) and everything after `--` stay.

const SINGLE_DASH_LONG_FLAG = /^-[a-z][a-z0-9-]+(=|$)/;

export function terraformStyleFlags(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  return args.map((arg, index) => ((end === -1 || index < end) && SINGLE_DASH_LONG_FLAG.test(arg) ? `-${arg}` : arg));
}
