// `pgha switchover SPEC [--to M] [--at TIME]` and `pgha failover SPEC --to M`: the leader moves
// to another member, as patronictl's commands of the same names, through the agents' REST API
// (POST /switchover, POST /failover). A switchover needs a running leader and hands over cleanly;
// a failover promotes the named member even without one.
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';
import { confirmed } from './confirmation.js';
import { liveMembers, memberNamed, operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface HandOverArgs extends OperatorArgs {
  to?: string;
  at?: string;
  yes: boolean;
}

/** A blocking switchover waits up to 2 × max(10 s, loop_wait) for its result. */
const HAND_OVER_TIMEOUT_MS = 60_000;

function handOverCommand(context: CommandContext, kind: 'switchover' | 'failover'): CommandModule<object, HandOverArgs> {
  const switchover = kind === 'switchover';
  return {
    command: `${kind} <spec>`,
    describe: switchover
      ? 'Hand the leader role over to another member (a healthy one of its choosing, or --to), now or --at a time'
      : 'Promote the named member (--to), with or without a running leader',
    builder: (yargs: Argv) => {
      const common = withOperatorOptions(yargs)
        .option('to', { describe: switchover ? 'The member to hand over to (by default the healthiest replica)' : 'The member to promote', type: 'string', requiresArg: true, demandOption: !switchover })
        .option('yes', { describe: 'Do not ask for a confirmation', type: 'boolean', default: false });
      const withAt = switchover ? common.option('at', { describe: 'When, ISO 8601 with a time zone (2026-12-24T03:00:00+00:00); the leader waits for it', type: 'string', requiresArg: true }) : common;
      return (
        switchover
          ? withAt
              .example('$0 switchover inventories/lab/cluster.yaml', 'Hand over to the healthiest replica, asking first')
              .example('$0 switchover --to c2 --yes inventories/lab/cluster.yaml', 'Hand over to c2, in CI')
              .example('$0 switchover --to c2 --at 2026-12-24T03:00:00+00:00 cluster.yaml', 'At a quiet hour')
              .epilog('The leader checkpoints, stops, and its candidate takes over once it has every WAL record: one short write gap (about a second), no acknowledged write lost. In a paused cluster only a switchover to a named member is carried out, and none at a time.')
          : withAt
              .example('$0 failover --to c2 inventories/lab/cluster.yaml', 'Promote c2, asking first')
              .epilog('Use it when no leader runs and the agents do not elect one by themselves (a paused cluster, members tagged nofailover). With a running leader it works as a switchover to --to.')
      ) as unknown as Argv<HandOverArgs>;
    },
    handler: async (args) => {
      const session = await operatorSession(context, args);
      try {
        const scope = session.spec.metadata.name;
        const live = await liveMembers(session.cluster, scope, 'nothing can be moved now');
        if (args.to !== undefined) memberNamed(live, args.to, scope);
        const { leader } = live;
        if (switchover && leader === undefined) throw new UserError(`cluster ${scope} has no leader now, so there is nothing to switch over from; "pgha failover --to MEMBER" promotes one`);
        if (args.to !== undefined && args.to === leader) throw new UserError(`${args.to} is already the leader of cluster ${scope}`);
        const target = args.to ?? 'the healthiest replica';
        await confirmed(context, args.yes, `${switchover ? 'Switch over' : 'Fail over'} cluster ${scope}${leader ? ` from ${leader}` : ''} to ${target}${args.at ? ` at ${args.at}` : ''}?`, 'moves the leader');
        const body = { ...(leader !== undefined && { leader }), ...(args.to !== undefined && { candidate: args.to }), ...(args.at !== undefined && { scheduled_at: args.at }) };
        const { member, answer } = await session.cluster.callAgents('POST', `/${kind}`, body, {}, HAND_OVER_TIMEOUT_MS);
        const text = answer.text.trim();
        if (answer.status !== 200 && answer.status !== 202) throw new UserError(`the ${kind} was refused by ${member} (${answer.status}): ${text.slice(0, 300)}`);
        if (args.json) context.io.out(`${JSON.stringify({ cluster: scope, kind, from: leader ?? null, to: args.to ?? null, scheduled: answer.status === 202, answer: text })}\n`);
        else context.io.out(`${text}\n`);
      } finally {
        session.close();
      }
    },
  };
}

export const switchoverCommand = (context: CommandContext): CommandModule<object, HandOverArgs> => handOverCommand(context, 'switchover');
export const failoverCommand = (context: CommandContext): CommandModule<object, HandOverArgs> => handOverCommand(context, 'failover');
