// `pgha version`: the CLI's version and that of the agent bundle apply would upload, asked of
// the bundle itself (it may come from another build than the CLI).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Argv, CommandModule } from 'yargs';
import packageJson from '../../package.json' with { type: 'json' };
import type { CommandContext } from './command-context.js';

interface VersionArgs {
  json: boolean;
}

interface Versions {
  pgha: string;
  agent: { version: string | null; bundle: string; problem?: string };
}

async function bundledAgentVersion(bundleDir: string): Promise<Versions['agent']> {
  const bundle = join(bundleDir, 'pgha-agent.mjs');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bundle, '--version'], { encoding: 'utf8', timeout: 10_000 });
    return { version: stdout.trim().replace(/^pgha-agent /, ''), bundle };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException & { stderr?: string }).stderr?.includes('Cannot find module') ? 'is missing' : 'does not run';
    return { version: null, bundle, problem: `the agent bundle ${code}; run "npm run build"` };
  }
}

export function versionCommand(context: CommandContext): CommandModule<object, VersionArgs> {
  return {
    command: 'version',
    describe: "Print pgha's version and that of the agent it installs",
    builder: (yargs: Argv) =>
      yargs
        .option('json', { describe: 'Print the versions as JSON on stdout', type: 'boolean', default: false })
        .example('$0 version', 'The CLI and the bundled pgha-agent')
        .example('$0 --version', 'The same') as unknown as Argv<VersionArgs>,
    handler: async (args) => {
      const versions: Versions = { pgha: packageJson.version, agent: await bundledAgentVersion(context.agentBundleDir) };
      if (args.json) return context.io.out(`${JSON.stringify(versions)}\n`);
      const agent = versions.agent.version === null ? `unknown: ${versions.agent.problem}` : versions.agent.version;
      context.io.out(`pgha ${versions.pgha}\npgha-agent ${agent} (${versions.agent.bundle})\n`);
    },
  };
}
