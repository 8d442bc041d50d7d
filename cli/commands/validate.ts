// `pgha validate [--ref REF] FILE...`: checks cluster specs without touching any host.
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadSpec } from '../spec/load-spec.js';
import { UserError } from '../user-error.js';
import { diagnosticLine } from '../views/diagnostic-lines.js';
import { painter } from '../views/paint.js';
import { fileLabel, summaryLine, validationJson, type FileValidation } from '../views/validation-report.js';
import type { CommandContext } from './command-context.js';

interface ValidateArgs {
  files: string[];
  ref?: string;
  json: boolean;
}

async function validateFile(file: string, ref: string | undefined): Promise<FileValidation> {
  try {
    const loaded = await loadSpec(file, ref);
    return { file, ...loaded };
  } catch (error) {
    if (error instanceof UserError) return { file, diagnostics: [], readError: error.message };
    throw error;
  }
}

export function validateCommand(context: CommandContext): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <files..>',
    describe: 'Check cluster specs against the schema and the cross-field rules, without touching any host',
    builder: (yargs: Argv) =>
      yargs
        .positional('files', { describe: 'Cluster spec files (YAML)', type: 'string', array: true, demandOption: true })
        .option('ref', {
          describe: 'Read each file as committed at this Git ref (branch, tag or commit) instead of the working tree',
          type: 'string',
          requiresArg: true,
        })
        .option('json', { describe: 'Print the results as a JSON array on stdout', type: 'boolean', default: false })
        .example('$0 validate inventories/example/cluster.yaml', 'Check a spec in the working tree')
        .example('$0 validate --ref origin/main cluster.yaml', 'Check the spec as it is on main')
        .example('$0 validate --json specs/*.yaml > report.json', 'Machine-readable results')
        .epilog(
          'Problems are printed to stderr as FILE:LINE:COL: message [rule], sorted by position.\n' +
            'Exit status: 0 when every file is valid (warnings allowed), 1 otherwise.',
        ) as unknown as Argv<ValidateArgs>,
    handler: async (args) => {
      const { io } = context;
      const paint = painter(io.colour);
      const validations: FileValidation[] = [];
      for (const file of args.files) validations.push(await validateFile(file, args.ref));
      if (args.json) io.out(validationJson(validations));
      else {
        for (const v of validations) {
          if (v.readError !== undefined) io.err(`pgha: ${v.readError}\n`);
          for (const d of v.diagnostics) io.err(`${diagnosticLine(fileLabel(v.file, v.source), d, paint)}\n`);
          if (v.spec) io.out(`${summaryLine({ ...v, spec: v.spec })}\n`);
        }
      }
      context.exit(validations.every((v) => v.spec !== undefined) ? ExitCode.ok : ExitCode.failed);
    },
  };
}
