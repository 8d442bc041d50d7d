// A Transport over one SSH connection: commands run through `sudo -n` when the spec asks for it,
// and a read-only view of it is what planning receives.
import { UserError } from '../user-error.js';
import { commandLogLine, type CommandLog } from './command-log.js';
import { isReadOnlyCommand } from './read-only-commands.js';
import type { ExecResult, SshConnection } from './ssh-connection.js';
import type { ObservedFile, ReadTransport, Transport } from './transport.js';

const READ_FILE_SCRIPT = 'stat -c "%a %U %G" -- "$1" || exit 44; exec cat -- "$1"';
const NO_SUCH_FILE = 44;

export class SshTransport implements Transport {
  constructor(
    private readonly connection: SshConnection,
    private readonly sudo: boolean,
    private readonly log?: CommandLog,
  ) {}

  get host(): string {
    return this.connection.target.name;
  }

  async run(argv: readonly string[], stdin?: Buffer): Promise<ExecResult> {
    const command = this.sudo ? ['sudo', '-n', '--', ...argv] : argv;
    if (!this.log) return this.connection.exec(command, stdin);
    const started = performance.now();
    try {
      const result = await this.connection.exec(command, stdin);
      this.log(commandLogLine(this.host, command, result, performance.now() - started, stdin?.length));
      return result;
    } catch (error) {
      this.log(commandLogLine(this.host, command, { error: error instanceof Error ? error.message : String(error) }, performance.now() - started, stdin?.length));
      throw error;
    }
  }

  query(argv: readonly string[]): Promise<ExecResult> {
    if (!isReadOnlyCommand(argv)) throw new Error(`refused to run "${argv.join(' ')}" while planning: it is not a read-only command`);
    return this.run(argv);
  }

  async readFile(path: string): Promise<ObservedFile | undefined> {
    const result = await this.run(['sh', '-c', READ_FILE_SCRIPT, 'pgha-read', path]);
    if (result.exitCode === NO_SUCH_FILE) return undefined;
    if (result.exitCode !== 0) throw new UserError(`host ${this.host}: cannot read ${path}: ${result.stderr.trim()}`);
    const newline = result.stdout.indexOf('\n');
    const [mode = '', owner = '', group = ''] = result.stdout.slice(0, newline).split(' ');
    return { content: result.stdout.slice(newline + 1), mode, owner, group };
  }
}

/** What planning gets: reads only; the object has no way to run a writing command. */
export function readOnlyView(transport: Transport): ReadTransport {
  return {
    host: transport.host,
    query: (argv) => transport.query(argv),
    readFile: (path) => transport.readFile(path),
  };
}
