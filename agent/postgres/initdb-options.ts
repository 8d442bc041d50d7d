// Patroni's `bootstrap.initdb` list as initdb arguments: `data-checksums` -> `--data-checksums`,
// `{ encoding: UTF8 }` -> `--encoding=UTF8`. The controller sets the options about where the data
// goes and who the superuser is; the list may not.
import type { BootstrapOptions } from './postgres-controller.js';

const RESERVED = new Set(['pgdata', 'D', 'pwfile', 'pwprompt', 'W', 'username', 'U', 'sync-only', 'S', 'version', 'V', 'help']);

function option(name: string, value?: string | number | boolean): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new Error(`not an initdb option: ${JSON.stringify(name)}`);
  if (RESERVED.has(name)) throw new Error(`the initdb option --${name} is set by pgha and cannot be given`);
  return value === undefined || value === true ? `--${name}` : `--${name}=${String(value)}`;
}

export function initdbArguments(options: BootstrapOptions['initdb']): string[] {
  return options.flatMap((entry) => (typeof entry === 'string' ? [option(entry)] : Object.entries(entry).map(([name, value]) => option(name, value))));
}
