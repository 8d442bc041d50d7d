// `pgha plan SPEC`: reads every host (read-only) and shows what apply would change.
import type { Argv, CommandModule } from 'yargs';
import { openSession } from '../engine/session.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import { hasChanges, type Plan } from '../plan/plan.js';
import { writePlanFile } from '../plan/plan-file.js';
import { UserError } from '../user-error.js';
import { painter } from '../views/paint.js';
import { formattedPlan, PLAN_FORMATS, type PlanFormat } from '../views/plan-formats.js';
import { planRemarks } from '../views/plan-text.js';
import type { CommandContext } from './command-context.js';
import { sessionOptions, withProvisioningOptions, type ProvisioningArgs } from './provisioning-options.js';

interface PlanArgs extends ProvisioningArgs {
  spec: string;
  json: boolean;
  format: PlanFormat;
  'detailed-exitcode': boolean;
  out?: string;
}

/** What `pgha plan` prints (the plan, text or JSON; remarks on stderr) and saves; nothing in it is a secret. */
export async function showPlan(io: Io, plan: Plan, options: { format: PlanFormat; out?: string | undefined }): Promise<void> {
  const paint = painter(io.colour);
  io.err(planRemarks(plan, paint));
  io.out(formattedPlan(plan, options.format, paint));
  if (options.out) {
    await writePlanFile(options.out, plan);
    io.err(`Saved the plan to ${options.out}; run "pgha apply ${options.out}" to carry out exactly these changes.\n`);
  }
}

export function planCommand(context: CommandContext): CommandModule<object, PlanArgs> {
  return {
    command: 'plan <spec>',
    describe: 'Show what apply would change on the hosts and in the DCS config, changing nothing',
    builder: (yargs: Argv) =>
      withProvisioningOptions(
        yargs
          .positional('spec', { describe: 'Cluster spec file (YAML)', type: 'string', demandOption: true })
          .option('format', { describe: 'text for people, markdown for a pull-request comment, json for machines', choices: PLAN_FORMATS, default: 'text' as PlanFormat })
          .option('json', { describe: 'The same as --format json: the plan document (schemas/plan.schema.json)', type: 'boolean', default: false })
          .option('detailed-exitcode', { describe: 'Exit 2 when there are changes (0 none, 1 error)', type: 'boolean', default: false })
          .option('out', { describe: 'Save the plan to FILE, for "pgha apply FILE" (also -out FILE)', type: 'string', requiresArg: true }),
      )
        .example('$0 plan inventories/lab/cluster.yaml', 'What apply would change')
        .example('$0 plan --ref origin/main --detailed-exitcode cluster.yaml', 'In CI: exit 2 when main differs from the hosts')
        .example('$0 plan -out lab.plan inventories/lab/cluster.yaml', 'Save the plan; "pgha apply lab.plan" carries out exactly it')
        .example('$0 plan --format markdown -out pr.plan cluster.yaml > plan.md', 'In a pull request: a comment under 65,000 characters, and the plan to apply after merge')
        .epilog(
          'Plan connects to every host over SSH and runs only read-only commands. Secrets show as (sensitive).\n' +
            'Its digests are keyed with a key that stays on this machine ($XDG_STATE_HOME/pgha/digest.key, or the file PGHA_DIGEST_KEY_FILE names): ' +
            'a saved plan is applied where that key is.\n' +
            'Symbols: + create, ~ update, -/+ replace, - delete.',
        ) as unknown as Argv<PlanArgs>,
    handler: async (args) => {
      const session = await openSession(sessionOptions(context, args.spec, args));
      try {
        const { plan } = session;
        const pending = session.pki.pending();
        if (pending && args.out) {
          throw new UserError(`${pending} do not exist yet, and apply creates them before it plans, so a plan saved now could not be applied: run "pgha apply ${args.spec}", which shows its plan and asks before changing anything`);
        }
        await showPlan(context.io, plan, { format: args.json ? 'json' : args.format, out: args.out });
        if (pending) context.io.err(`Not created yet: ${pending}. pgha apply creates them first (this plan wrote nothing).\n`);
        context.exit(args['detailed-exitcode'] && hasChanges(plan) ? ExitCode.changes : ExitCode.ok);
      } finally {
        session.close();
      }
    },
  };
}
