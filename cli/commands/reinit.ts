// `pgha reinit SPEC MEMBER [--force] [--wait]`: a replica's data replaced by a new copy, as
// patronictl reinit does (POST /reinitialize to that member's agent). The agent builds the copy
// beside the old data and swaps it in once complete; --wait waits until it streams again.
import type { Argv, CommandModule } from 'yargs';
import { renewMember } from '../restart/member-renewal.js';
import { UserError } from '../user-error.js';
import type { CommandContext } from './command-context.js';
import { confirmed } from './confirmation.js';
import { liveMembers, memberNamed, operatorGate, operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

interface ReinitArgs extends OperatorArgs {
  member: string;
  force: boolean;
  wait: boolean;
  yes: boolean;
}

const CALL_MS = 10_000;

export function reinitCommand(context: CommandContext): CommandModule<object, ReinitArgs> {
  return {
    command: 'reinit <spec> <member>',
    describe: "Replace a replica's data with a new copy from the leader",
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .positional('member', { describe: 'The replica to reinitialize', type: 'string', demandOption: true })
        .option('force', { describe: 'Cancel what its agent is doing (a restart, a rewind) instead of refusing', type: 'boolean', default: false })
        .option('wait', { describe: 'Wait until it runs and streams again (at most 3 minutes)', type: 'boolean', default: false })
        .option('yes', { describe: 'Do not ask for a confirmation', type: 'boolean', default: false })
        .example('$0 reinit inventories/lab/cluster.yaml c3', 'A new copy for c3, asking first')
        .example('$0 reinit --yes --wait inventories/lab/cluster.yaml c3', 'In a script: until c3 streams again')
        .epilog(
          'For a replica whose data went wrong (a failed pg_rewind, a divergence it cannot rewind). The new copy is built beside the ' +
            'old data and swapped in only once complete, so a copy that fails leaves the old data. The leader cannot be reinitialized: ' +
            'switch over first.',
        ) as unknown as Argv<ReinitArgs>,
    handler: async (args) => {
      const session = await operatorSession(context, args);
      try {
        const { cluster, spec } = session;
        const scope = spec.metadata.name;
        const live = await liveMembers(cluster, scope, 'nothing can be reinitialized now');
        const member = memberNamed(live, args.member, scope);
        if (args.member === live.leader) throw new UserError(`${args.member} leads cluster ${scope}, and the leader cannot be reinitialized: "pgha switchover" first`);
        await confirmed(context, args.yes, `Reinitialize ${args.member} of cluster ${scope}: its data replaced by a new copy?`, 'replaces the data of a member');
        const body = { force: args.force };
        if (args.wait) {
          await renewMember(cluster, operatorGate(context, spec, cluster, args.json), member.name, member.api_url, { path: '/reinitialize', body, done: 'reinitialized', where: 'from a new copy' }).catch((error: unknown) => {
            throw new UserError(error instanceof Error ? error.message : String(error));
          });
        } else {
          const answer = await cluster.callMember(member.api_url, 'POST', '/reinitialize', body, CALL_MS);
          if (answer.status !== 200) throw new UserError(`${args.member} refused to reinitialize (${answer.status}): ${answer.text.trim().slice(0, 300)}`);
        }
        const said = args.wait ? 'reinitialized: it runs and streams again from a new copy' : 'reinitialize started';
        if (args.json) context.io.out(`${JSON.stringify({ cluster: scope, member: args.member, waited: args.wait, outcome: said })}\n`);
        else context.io.out(`${args.member}: ${said}\n`);
      } finally {
        session.close();
      }
    },
  };
}
