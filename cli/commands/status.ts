// `pgha status SPEC`: every member's role, state, timeline, lag, pending restart and watchdog,
// and whether the cluster is paused, from the agents' REST API; `--watch` redraws it until Ctrl-C.
import type { Argv, CommandModule } from 'yargs';
import type { ClusterStatus } from '../../agent/contract/schema-types.js';
import { clusterStatus } from '../status/cluster-status.js';
import type { ClusterReader } from '../transport/cluster-access.js';
import { UserError } from '../user-error.js';
import { painter } from '../views/paint.js';
import { statusTable } from '../views/status-table.js';
import type { CommandContext } from './command-context.js';
import { operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface StatusArgs extends OperatorArgs {
  watch: boolean;
  interval: number;
}

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

async function readStatus(cluster: ClusterReader, scope: string): Promise<ClusterStatus | undefined> {
  const document = await cluster.clusterDocument();
  if (!document) return undefined;
  const own = await Promise.all(document.members.map(async (m) => [m.name, m.api_url ? await cluster.memberStatus(m.api_url) : undefined] as const));
  return clusterStatus(scope, document, new Map(own));
}

export function statusCommand(context: CommandContext): CommandModule<object, StatusArgs> {
  return {
    command: 'status <spec>',
    describe: "Show the cluster's members: role, state, timeline, lag, pending restart, watchdog, and whether it is paused",
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .option('watch', { describe: 'Show it again every --interval seconds until Ctrl-C', type: 'boolean', default: false })
        .option('interval', { describe: 'Seconds between two readings with --watch', type: 'number', default: 2, requiresArg: true })
        .example('$0 status inventories/lab/cluster.yaml', 'Who leads, who streams, how far behind')
        .example('$0 status --json inventories/lab/cluster.yaml', 'The same as JSON (schemas/status.schema.json)')
        .example('$0 status --watch inventories/lab/cluster.yaml', 'Follow a switchover or a failover as it happens')
        .epilog(
          'Reads GET /cluster from the first agent that answers, then each member\'s GET /patroni, over HTTPS with the cluster CA; no SSH. ' +
            'Lag is how far a replica is behind the leader\'s last known WAL position. "Lease left" is how long the leader may still act without renewing its key.',
        ) as unknown as Argv<StatusArgs>,
    handler: async (args) => {
      if (!(args.interval > 0 && args.interval <= 3600)) throw new UserError('--interval must be a number of seconds between 0 and 3600');
      const session = await operatorSession(context, args);
      const { io } = context;
      const paint = painter(io.colour);
      const scope = session.spec.metadata.name;
      let watching = args.watch;
      let wake: (() => void) | undefined;
      const stop = (): void => {
        watching = false;
        wake?.();
      };
      process.once('SIGINT', stop);
      try {
        do {
          const status = await readStatus(session.cluster, scope);
          if (!status && !args.watch) throw new UserError(`no agent of cluster ${scope} answers its REST API, so its state is not known`);
          const shown = status ? (args.json ? `${JSON.stringify(status)}\n` : statusTable(status, paint)) : `no agent of cluster ${scope} answers (${new Date().toISOString()})\n`;
          io.out(args.watch && io.terminal && !args.json ? `${CLEAR_SCREEN}${shown}` : shown);
          if (watching) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, args.interval * 1000)));
        } while (watching);
      } finally {
        process.removeListener('SIGINT', stop);
        session.close();
      }
    },
  };
}
