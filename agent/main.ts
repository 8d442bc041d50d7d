// Composition root of pgha-agent: reads its configuration, then runs the HA loop
// (`--config FILE`) or only checks the file (`--validate-config FILE`).
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { checkConfigInWorker } from './config/check-config-in-worker.js';
import { streamLogger } from './logging/logger.js';
import { runAgent } from './run-agent.js';

const USAGE = `Usage: pgha-agent --config FILE            run the agent (systemd runs it as the postgres user)
       pgha-agent --validate-config FILE   check a configuration file and exit
       pgha-agent --version

FILE follows schemas/agent.schema.json (pgha apply writes /etc/pgha/agent.yaml).
Exit status: 0 stopped cleanly (or the file is valid), 1 a failure while running,
2 a bad configuration file or command line.
`;

const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args,
      options: { config: { type: 'string' }, 'validate-config': { type: 'string' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    process.stderr.write(`pgha-agent: ${(error as Error).message}\n${USAGE}`);
    return EXIT_BAD_CONFIG;
  }
  if (options.version) {
    process.stdout.write(`pgha-agent ${packageJson.version}\n`);
    return 0;
  }
  const file = options.config ?? options['validate-config'];
  if (options.help || file === undefined) {
    (options.help ? process.stdout : process.stderr).write(USAGE);
    return options.help ? 0 : EXIT_BAD_CONFIG;
  }
  const outcome = await checkConfigInWorker(file);
  if (!outcome.ok) {
    process.stderr.write(`${outcome.message}\n`);
    return EXIT_BAD_CONFIG;
  }
  for (const warning of outcome.loaded.warnings) process.stderr.write(`${warning}\n`);
  const { config } = outcome.loaded;
  if (options.config === undefined) {
    process.stdout.write(`${file}: valid: member ${config.name} of cluster ${config.scope} (namespace ${config.namespace})\n`);
    return 0;
  }
  const log = streamLogger((line) => process.stderr.write(line), config.log.level);
  try {
    await runAgent(config, packageJson.version, log);
    return 0;
  } catch (error) {
    log.log('error', error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
