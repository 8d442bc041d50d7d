// `pgha restart SPEC [MEMBER] [--pending] [--in-place]`: PostgreSQL restarted through the agents'
// REST API, one member at a time, with the engine apply's rolling restart uses: the replicas
// first, then the leader hands over to a restarted replica (one switchover) unless --in-place.
import type { Argv, CommandModule } from 'yargs';
import { restartPostgres } from '../restart/postgres-restart.js';
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';
import { confirmed } from './confirmation.js';
import { liveMembers, memberNamed, operatorGate, operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface RestartArgs extends OperatorArgs {
  member?: string;
  pending: boolean;
  'in-place': boolean;
  yes: boolean;
}

export function restartCommand(context: CommandContext): CommandModule<object, RestartArgs> {
  return {
    command: 'restart <spec> [member]',
    describe: 'Restart PostgreSQL on every member (or one), one at a time, the leader by a switchover',
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .positional('member', {
          describe: 'Restart only this member',
          type: 'string',
        })
        .option('pending', {
          describe: 'Only members with a setting waiting for a restart (pending_restart)',
          type: 'boolean',
          default: false,
        })
        .option('in-place', {
          describe: 'Restart the leader where it runs instead of handing over first (writes stop until it is back)',
          type: 'boolean',
          default: false,
        })
        .option('yes', {
          describe: 'Do not ask for a confirmation',
          type: 'boolean',
          default: false,
        })
        .example('$0 restart inventories/lab/cluster.yaml', 'Every member: the replicas, then a switchover, asking first')
        .example('$0 restart --pending --yes inventories/lab/cluster.yaml', 'Only where a setting waits for a restart, in CI')
        .example('$0 restart inventories/lab/cluster.yaml c2', 'Only c2 (if it leads, it hands over first)')
        .epilog(
          'Each member restarts once the cluster is healthy (a running leader, every replica streaming), and the next waits until its ' +
            'PostgreSQL runs again. The leader hands over to the streaming replica with the least lag, and its demotion restarts it as a ' +
            'replica: writes stop once, for about a second. A lowered max_connections (or another setting a hot standby must hold at ' +
            'least as high as its primary) restarts the leader first, where it runs. Works in a paused cluster too: an operator asked.',
        ) as unknown as Argv<RestartArgs>,
    handler: async (args) => {
      const session = await operatorSession(context, args);
      try {
        const { cluster, spec } = session;
        const scope = spec.metadata.name;
        const live = await liveMembers(cluster, scope, 'PostgreSQL cannot be restarted now');
        if (args.member !== undefined) memberNamed(live, args.member, scope);
        const { leader } = live;
        const which = args.member ?? (args.pending ? 'every member with a setting waiting for a restart' : 'every member');
        const how = leader !== undefined && (args.member === undefined || args.member === leader) ? (args['in-place'] ? `; the leader ${leader} restarts where it runs` : `; the leader ${leader} hands over first`) : '';
        await confirmed(context, args.yes, `Restart PostgreSQL on ${which} of cluster ${scope}${how}?`, 'restarts PostgreSQL');
        const gate = operatorGate(context, spec, cluster, args.json);
        const outcomes = await restartPostgres(cluster, gate, {
          ...(args.member !== undefined && { members: [args.member] }),
          pendingOnly: args.pending,
          awaitParameters: [],
          awaitMs: 0,
          leaderInPlace: args['in-place'],
        }).catch((error: unknown) => {
          throw new UserError(error instanceof Error ? error.message : String(error));
        });
        if (args.json) context.io.out(`${JSON.stringify({ cluster: scope, outcomes })}\n`);
        else context.io.out(outcomes.length === 0 ? 'No member to restart.\n' : outcomes.map(({ member, outcome }) => `${member}: ${outcome}\n`).join(''));
      } finally {
        session.close();
      }
    },
  };
}
