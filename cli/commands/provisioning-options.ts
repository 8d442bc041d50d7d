// The options plan and apply share: which spec, how to reach the hosts.
import type { Argv } from 'yargs';
import packageJson from '../../package.json' with { type: 'json' };
import type { Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { SessionOptions } from '../engine/session.js';
import { commandLogFrom } from '../transport/command-log.js';
import { UserError } from '../user-error.js';
import { diagnosticLine } from '../views/diagnostic-lines.js';
import { painter } from '../views/paint.js';
import type { CommandContext } from './command-context.js';

export interface ProvisioningArgs {
  ref?: string;
  parallelism: number;
  'accept-new-host-keys': boolean;
  'purge-data': boolean;
}

export function withProvisioningOptions<T>(yargs: Argv<T>): Argv<T & ProvisioningArgs> {
  return yargs
    .option('ref', { describe: 'Read the spec as committed at this Git ref (branch, tag or commit)', type: 'string', requiresArg: true })
    .option('parallelism', { describe: 'Hosts worked on at once', type: 'number', default: 10, requiresArg: true })
    .option('accept-new-host-keys', {
      describe: "Trust a host whose key is not in the spec's known_hosts yet, and record it there (a changed key is always refused)",
      type: 'boolean',
      default: false,
    })
    .option('purge-data', {
      describe: 'Delete the data directories (PostgreSQL, etcd) of hosts dropped from the spec; without it they stay in place',
      type: 'boolean',
      default: false,
    }) as Argv<T & ProvisioningArgs>;
}

/** Prints each diagnostic of a spec on stderr, as validate does. */
export function diagnosticsReporter(context: CommandContext): (label: string, diagnostics: readonly Diagnostic[]) => void {
  const paint = painter(context.io.colour);
  return (label, diagnostics) => {
    for (const d of diagnostics) context.io.err(`${diagnosticLine(label, d, paint)}\n`);
  };
}

export function sessionOptions(context: CommandContext, file: string, args: ProvisioningArgs): SessionOptions {
  if (!Number.isInteger(args.parallelism) || args.parallelism < 1) throw new UserError('--parallelism must be a whole number of at least 1');
  return {
    file,
    ...(args.ref !== undefined && { ref: args.ref }),
    acceptNewHostKeys: args['accept-new-host-keys'],
    parallelism: args.parallelism,
    purgeData: args['purge-data'],
    bundleDir: context.agentBundleDir,
    pghaVersion: packageJson.version,
    env: context.env,
    now: () => new Date(),
    issuer: context.issuer,
    connect: context.connect,
    reportDiagnostics: diagnosticsReporter(context),
    commandLog: commandLogFrom(context.env, context.io.err),
  };
}
