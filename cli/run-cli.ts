// Parses the command line, runs one command, and maps whatever escapes it to an exit code:
// a user's mistake is one sentence and exit 1, anything else is reported as a bug.
import yargs from 'yargs';
import type { CommandContext } from './commands/command-context.js';
import { applyCommand } from './commands/apply.js';
import { dsnCommand } from './commands/dsn.js';
import { failoverCommand, switchoverCommand } from './commands/hand-over.js';
import { historyCommand } from './commands/history.js';
import { pauseCommand, resumeCommand } from './commands/maintenance-mode.js';
import { statusCommand } from './commands/status.js';
import { planCommand } from './commands/plan.js';
import { drillCommand } from './commands/drill.js';
import { reinitCommand } from './commands/reinit.js';
import { restartCommand } from './commands/restart.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { versionCommand } from './commands/version.js';
import { ExitCode } from './exit-codes.js';
import { processInterrupts, type Interrupts } from './interrupts.js';
import { narrowedIo, type Io } from './io.js';
import { opensslIssuer, type CertificateIssuer } from './pki/openssl-issuer.js';
import { realConnector, type Connector } from './transport/connector.js';
import { terraformStyleFlags } from './options/terraform-flags.js';
import { UserError } from './user-error.js';

class UsageError extends Error {}

const INTRO = `pgha: highly available PostgreSQL on your own machines.

Describe a cluster in a YAML spec, keep it in Git, and let pgha check it, show what would
change on the hosts, and carry that out.

Usage: $0 <command> [options]`;

const EPILOG = `Exit status: 0 success, 1 a problem you can fix (bad spec, bad flag, unreachable host),
2 changes present (plan --detailed-exitcode), 3 an internal error (a bug).
Colour is used only on a terminal; --no-color or NO_COLOR turns it off.
Terraform's spelling works too: -auto-approve, -detailed-exitcode, -lock-timeout=5m, -out=FILE, -no-color, -input=false.`;

export interface CliEnvironment {
  /** The agent release folder apply installs (dist/agent/bin beside the CLI bundle). */
  agentBundleDir: string;
  env: NodeJS.ProcessEnv;
  /** Makes the cluster CA and the hosts' certificates. */
  issuer: CertificateIssuer;
  /** Opens the SSH connections and the cluster access. */
  connect: Connector;
  /** Ctrl-C and SIGTERM (the process's own unless given). */
  interrupts?: Interrupts;
}

export async function runCli(rawArgs: readonly string[], io: Io, environment: CliEnvironment = { agentBundleDir: 'dist/agent/bin', env: process.env, issuer: opensslIssuer, connect: realConnector }): Promise<ExitCode> {
  const flags = terraformStyleFlags(rawArgs);
  // `--version` is the version command, as in Terraform.
  const args = flags[0] === '--version' ? ['version', ...flags.slice(1)] : flags;
  let exitCode: ExitCode = ExitCode.ok;
  const context: CommandContext = { io, exit: (code) => (exitCode = code), interrupts: processInterrupts, ...environment };
  const parser = yargs([...args])
    .scriptName('pgha')
    .locale('en')
    .usage(INTRO)
    .command(validateCommand(context))
    .command(planCommand(context))
    .command(applyCommand(context))
    .command(showCommand(context))
    .command(statusCommand(context))
    .command(switchoverCommand(context))
    .command(failoverCommand(context))
    .command(restartCommand(context))
    .command(reinitCommand(context))
    .command(drillCommand(context))
    .command(pauseCommand(context))
    .command(resumeCommand(context))
    .command(historyCommand(context))
    .command(dsnCommand(context))
    .command(versionCommand(context))
    .completion('completion', 'Print a bash completion script (zsh: after bashcompinit): pgha completion >> ~/.bashrc')
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .strict()
    .option('debug', { describe: 'Print stack traces of internal errors', type: 'boolean', default: false, global: true })
    .option('color', { describe: 'Colour on a terminal; --no-color (or NO_COLOR) turns it off', type: 'boolean', default: true, global: true })
    .option('input', { describe: 'Ask for confirmations on a terminal; --input=false never asks (then pass --auto-approve or --yes)', type: 'boolean', default: true, global: true })
    .middleware((argv) => {
      context.io = narrowedIo(io, { colour: argv.color !== false, input: argv.input !== false });
    })
    .example('$0 validate inventories/example/cluster.yaml', 'Check a cluster spec')
    .example('$0 plan inventories/lab/cluster.yaml', 'Show what apply would change on the hosts')
    .example('$0 apply inventories/lab/cluster.yaml', 'Make the hosts match the spec')
    .example('$0 status inventories/lab/cluster.yaml', "The cluster's members, roles and lag")
    .example('$0 pause inventories/lab/cluster.yaml', 'Maintenance mode: no automatic failover until resume')
    .epilog(EPILOG)
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });

  let printed = '';
  try {
    await parser.parseAsync([...args], {}, (_error, _argv, output) => {
      printed = output;
    });
    if (printed) io.out(`${printed}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`pgha: ${error.message}\nRun "pgha --help" for the commands, or "pgha <command> --help" for one of them.\n`);
      return ExitCode.failed;
    }
    if (error instanceof UserError) {
      io.err(`pgha: ${error.message}\n`);
      return ExitCode.failed;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.err(`pgha: internal error: ${detail}\nThis is a bug in pgha; please report it with the output of the same command run with --debug.\n`);
    if (args.includes('--debug') && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return ExitCode.internal;
  }
}
