// `pgha show PLANFILE`: a saved plan printed again, as text, Markdown or JSON; nothing is contacted.
import type { Argv, CommandModule } from 'yargs';
import { readPlanFile } from '../plan/plan-file.js';
import { painter } from '../views/paint.js';
import { formattedPlan, PLAN_FORMATS, type PlanFormat } from '../views/plan-formats.js';
import { planRemarks } from '../views/plan-text.js';
import type { CommandContext } from './command-context.js';

interface ShowArgs {
  planfile: string;
  format: PlanFormat;
  json: boolean;
}

export function showCommand(context: CommandContext): CommandModule<object, ShowArgs> {
  return {
    command: 'show <planfile>',
    describe: 'Print a plan saved by "pgha plan -out" again: text, Markdown (a pull-request comment) or JSON',
    builder: (yargs: Argv) =>
      yargs
        .positional('planfile', { describe: 'A plan saved by "pgha plan -out FILE"', type: 'string', demandOption: true })
        .option('format', { describe: 'text for people, markdown for a pull-request comment, json for machines', choices: PLAN_FORMATS, default: 'text' as PlanFormat })
        .option('json', { describe: 'The same as --format json', type: 'boolean', default: false })
        .example('$0 show pr.plan', 'The saved plan as pgha plan printed it')
        .example('$0 show --format markdown pr.plan > comment.md', 'The pull-request comment: summary, restarts, DCS keys, one folded block per host')
        .epilog('Reads the file only; the plan was made by the same pgha version (another one is refused). Markdown stays under 65,000 characters: long diffs are cut first, then whole host blocks, and the comment says what was cut.') as unknown as Argv<ShowArgs>,
    handler: async (args) => {
      const plan = await readPlanFile(args.planfile);
      const paint = painter(context.io.colour);
      context.io.err(planRemarks(plan, paint));
      context.io.out(formattedPlan(plan, args.json ? 'json' : args.format, paint));
    },
  };
}
