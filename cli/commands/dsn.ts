// `pgha dsn SPEC`: how applications reach the cluster, from the spec alone: a libpq multi-host
// connection string that finds the primary by itself, and the HAProxy endpoints.
import type { Argv, CommandModule } from 'yargs';
import { loadCheckedSpec } from '../spec/checked-spec.js';
import { connectionStrings } from '../status/connection-strings.js';
import type { CommandContext } from './command-context.js';
import { withOperatorOptions, type OperatorArgs } from './operator-options.js';
import { diagnosticsReporter } from './provisioning-options.js';

interface DsnArgs extends OperatorArgs {
  'read-only': boolean;
  dbname: string;
  user?: string;
}

export function dsnCommand(context: CommandContext): CommandModule<object, DsnArgs> {
  return {
    command: 'dsn <spec>',
    describe: 'Print the connection string that finds the primary (or a standby) by itself, and the HAProxy endpoints',
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .option('read-only', { describe: 'For reads: prefer a standby (libpq 14+), and the HAProxy replica port', type: 'boolean', default: false })
        .option('dbname', { describe: 'Database to name in the strings', type: 'string', default: 'postgres', requiresArg: true })
        .option('user', { describe: 'User to name in the strings', type: 'string', requiresArg: true })
        .example('$0 dsn inventories/lab/cluster.yaml', 'libpq string and URI for writes, and the HAProxy endpoints')
        .example('psql "$($0 dsn --json cluster.yaml | jq -r .libpq) user=app"', 'Connect to whichever member is the primary')
        .epilog(
          'Reads the spec only; nothing is contacted. The libpq string lists every postgres host with target_session_attrs=read-write, ' +
            'so libpq tries them in turn and keeps the one that takes writes: clients that do not go through HAProxy still find the primary after a failover.',
        ) as unknown as Argv<DsnArgs>,
    handler: async (args) => {
      const { spec } = await loadCheckedSpec(args.spec, args.ref, diagnosticsReporter(context), 'the cluster');
      const strings = connectionStrings(spec, { readOnly: args['read-only'], dbname: args.dbname, ...(args.user !== undefined && { user: args.user }) });
      if (args.json) return context.io.out(`${JSON.stringify(strings)}\n`);
      const purpose = args['read-only'] ? 'reads (a standby when one runs)' : 'writes (the primary)';
      context.io.out(`libpq, for ${purpose}:\n  ${strings.libpq}\n  ${strings.uri}\nHAProxy, for ${purpose}:\n${strings.haproxy.map((e) => `  ${e}\n`).join('')}`);
    },
  };
}
