// The options every operator command shares (which spec, at which Git ref; JSON output), and the
// session it opens on the cluster's control plane.
import type { Argv } from 'yargs';
import { openOperatorSession, type OperatorSession } from '../engine/operator-session.js';
import type { CommandContext } from './command-context.js';
import { diagnosticsReporter } from './provisioning-options.js';

export interface OperatorArgs {
  spec: string;
  ref?: string;
  json: boolean;
}

export function withOperatorOptions<T>(yargs: Argv<T>): Argv<T & OperatorArgs> {
  return yargs
    .positional('spec', { describe: 'Cluster spec file (YAML); its .pgha directory holds the CA and credentials pgha reaches the cluster with', type: 'string', demandOption: true })
    .option('ref', { describe: 'Read the spec as committed at this Git ref (branch, tag or commit)', type: 'string', requiresArg: true })
    .option('json', { describe: 'Print the result as JSON on stdout', type: 'boolean', default: false }) as Argv<T & OperatorArgs>;
}

export function operatorSession(context: CommandContext, args: OperatorArgs): Promise<OperatorSession> {
  return openOperatorSession({
    file: args.spec,
    ...(args.ref !== undefined && { ref: args.ref }),
    env: context.env,
    issuer: context.issuer,
    reportDiagnostics: diagnosticsReporter(context),
  });
}
