// Composition root of pgha-agent. Today it checks a configuration file (`--validate-config`);
// the HA loop, the etcd and PostgreSQL edges and the REST API are wired here as they land.
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { ConfigError, loadAgentConfig } from './config/load-agent-config.js';

const USAGE = `Usage: pgha-agent --validate-config FILE
       pgha-agent --version

Checks an agent configuration file (schemas/agent.schema.json) and exits:
0 when it is valid, 2 when it is not (every problem as FILE:LINE:COL: message [rule]).
`;

const EXIT_BAD_CONFIG = 2;

function main(args: string[]): number {
  let options;
  try {
    options = parseArgs({ args, options: { 'validate-config': { type: 'string' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`pgha-agent: ${(error as Error).message}\n${USAGE}`);
    return EXIT_BAD_CONFIG;
  }
  if (options.version) {
    process.stdout.write(`pgha-agent ${packageJson.version}\n`);
    return 0;
  }
  const file = options['validate-config'];
  if (options.help || file === undefined) {
    (options.help ? process.stdout : process.stderr).write(USAGE);
    return options.help ? 0 : EXIT_BAD_CONFIG;
  }
  try {
    const { config, warnings } = loadAgentConfig(file);
    for (const warning of warnings) process.stderr.write(`${warning}\n`);
    process.stdout.write(`${file}: valid: member ${config.name} of cluster ${config.scope} (namespace ${config.namespace})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_BAD_CONFIG;
  }
}

process.exitCode = main(process.argv.slice(2));
