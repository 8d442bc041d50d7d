// `pgha history SPEC`: the cluster's failovers and switchovers (its `history` key), as the agents
// serve it on GET /history.
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../user-error.js';
import { alignedRows } from '../views/members-table.js';
import type { CommandContext } from './command-context.js';
import { operatorSession, withOperatorOptions, type OperatorArgs } from './operator-options.js';

export function historyCommand(context: CommandContext): CommandModule<object, OperatorArgs> {
  return {
    command: 'history <spec>',
    describe: 'List the timeline switches: when each promotion happened, at which WAL position, and who was promoted',
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs)
        .example('$0 history inventories/lab/cluster.yaml', 'Every failover and switchover so far')
        .epilog('Rows are Patroni\'s: the timeline that ended, the WAL position (bytes) where it ended, the reason, when, and the new leader.') as unknown as Argv<OperatorArgs>,
    handler: async (args) => {
      const session = await operatorSession(context, args);
      try {
        const { answer } = await session.cluster.callAgents('GET', '/history', undefined, {}, 5000);
        if (answer.status !== 200) throw new UserError(`GET /history answered ${answer.status}: ${answer.text.trim().slice(0, 200)}`);
        const rows = JSON.parse(answer.text) as unknown;
        if (!Array.isArray(rows)) throw new UserError('GET /history did not answer a list');
        if (args.json) return context.io.out(`${JSON.stringify(rows)}\n`);
        const cells = rows.map((row) => (Array.isArray(row) ? row : [row]).slice(0, 5).map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
        const table = alignedRows([['TL', 'LSN', 'Reason', 'Timestamp', 'New leader'], ...cells.map((c) => [...c, '', '', '', '', ''].slice(0, 5))]);
        context.io.out(`Cluster ${session.spec.metadata.name}: ${rows.length === 0 ? 'no promotion yet' : `${rows.length} timeline switch${rows.length === 1 ? '' : 'es'}`}\n${rows.length === 0 ? '' : `${table.join('\n')}\n`}`);
      } finally {
        session.close();
      }
    },
  };
}
