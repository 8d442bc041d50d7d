// A Debian host in memory, for fast tests of planning and applying: files, directories, packages
// and systemd units, and the commands pgha runs on them, answered as Debian 12 answers them.
// test/contract/transport-contract.ts holds it to a real host over SSH for files, directories and
// commands' exit codes; packages and units are modelled on dpkg-query's and systemctl's output as
// the resources read it. A writing command it does not model succeeds and changes nothing; every
// command is recorded in `ran`, and `failWhen` makes chosen ones fail.
import type { ExecResult } from './ssh-connection.js';
import { isReadOnlyCommand } from './read-only-commands.js';
import type { ObservedFile, Transport } from './transport.js';

interface Attributes {
  mode: string;
  owner: string;
  group: string;
  /** Seconds since the epoch. */
  mtime: number;
}

export interface FakeUnit {
  enabled: 'enabled' | 'disabled';
  active: 'active' | 'inactive' | 'failed';
  /** When its main process started (systemctl show ExecMainStartTimestamp), in microseconds. */
  startedAtUs?: number;
}

export interface FakeHostState {
  files: Map<string, Attributes & { content: string }>;
  directories: Map<string, Attributes>;
  /** Installed packages and their versions. */
  packages: Map<string, string>;
  units: Map<string, FakeUnit>;
  /** What `systemd-detect-virt --container` says: none on a machine of its own. */
  container: string;
}

/** A freshly installed host: / and /etc, nothing pgha installs. */
export function bareHostState(container = 'none'): FakeHostState {
  const root = { mode: '755', owner: 'root', group: 'root', mtime: 0 };
  return { files: new Map(), directories: new Map([['/', root], ['/etc', root]]), packages: new Map(), units: new Map(), container };
}

const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
const failed = (exitCode: number, stderr: string, stdout = ''): ExecResult => ({ exitCode, stdout, stderr });
const parent = (path: string): string => path.slice(0, Math.max(1, path.lastIndexOf('/')));
const unitName = (unit: string): string => (unit.includes('.') ? unit : `${unit}.service`);

export class FakeTransport implements Transport {
  /** Every command run, in order, with what was fed to it. */
  readonly ran: { argv: string[]; stdin?: string }[] = [];
  private readonly failures: { when: (argv: readonly string[]) => boolean; result: ExecResult }[] = [];

  constructor(
    readonly host: string,
    readonly state: FakeHostState = bareHostState(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** From now on, a command `when` picks answers `result` and changes nothing. */
  failWhen(when: (argv: readonly string[]) => boolean, result: ExecResult): void {
    this.failures.push({ when, result });
  }

  /** Puts a file on the host as if written there by hand. */
  writeFile(path: string, content: string, attributes: Partial<Pick<Attributes, 'mode' | 'owner' | 'group'>> = {}): void {
    this.makeDirectories(parent(path), '755', 'root', 'root');
    this.state.files.set(path, { mode: '644', owner: 'root', group: 'root', ...attributes, content, mtime: this.seconds() });
  }

  async run(argv: readonly string[], stdin?: Buffer): Promise<ExecResult> {
    this.ran.push({ argv: [...argv], ...(stdin && { stdin: stdin.toString('utf8') }) });
    const failure = this.failures.find((f) => f.when(argv));
    if (failure) return failure.result;
    return this.execute(argv, stdin);
  }

  query(argv: readonly string[]): Promise<ExecResult> {
    if (!isReadOnlyCommand(argv)) throw new Error(`refused to run "${argv.join(' ')}" while planning: it is not a read-only command`);
    return this.run(argv);
  }

  async readFile(path: string): Promise<ObservedFile | undefined> {
    const file = this.state.files.get(path);
    return file && { content: file.content, mode: file.mode, owner: file.owner, group: file.group };
  }

  private seconds(): number {
    return this.now() / 1000;
  }

  private makeDirectories(path: string, mode: string, owner: string, group: string): void {
    for (let at = path; !this.state.directories.has(at); at = parent(at)) this.state.directories.set(at, { mode, owner, group, mtime: this.seconds() });
  }

  private execute(argv: readonly string[], stdin?: Buffer): ExecResult {
    const [program = '', ...args] = argv;
    switch (program) {
      case 'sudo':
        return this.execute(argv.slice(argv.indexOf('--') + 1), stdin);
      case 'cat':
        return this.cat(args);
      case 'test':
        return this.test(args);
      case 'stat':
        return this.stat(args);
      case 'dpkg-query':
        return this.dpkgQuery(args);
      case 'systemctl':
        return this.systemctl(args);
      case 'systemd-detect-virt':
        return this.state.container === 'none' ? failed(1, '', 'none\n') : ok(`${this.state.container}\n`);
      case 'pg_lsclusters':
        return this.state.packages.has('postgresql-common') ? ok() : failed(127, 'sh: 1: pg_lsclusters: not found\n');
      case 'sh':
        return this.script(args, stdin);
      case 'mv':
        return this.move(args.filter((a) => !a.startsWith('-')));
      case 'rm':
        return this.remove(args.slice(args.indexOf('--') + 1 || args.findIndex((a) => !a.startsWith('-'))));
      case 'install':
        return this.installDirectory(args);
      default:
        return ok();
    }
  }

  private cat(paths: readonly string[]): ExecResult {
    let stdout = '';
    for (const path of paths) {
      const file = this.state.files.get(path);
      if (!file) return failed(1, `cat: ${path}: No such file or directory\n`, stdout);
      stdout += file.content;
    }
    return ok(stdout);
  }

  private test([flag = '', path = '']: readonly string[]): ExecResult {
    const file = this.state.files.has(path);
    const directory = this.state.directories.has(path);
    const holds = flag === '-f' ? file : flag === '-d' ? directory : flag === '-e' ? file || directory : false;
    return holds ? ok() : failed(1, '');
  }

  private stat(args: readonly string[]): ExecResult {
    const format = args[args.indexOf('-c') + 1] ?? '';
    const paths = args.filter((a, i) => i > args.indexOf('-c') + 1 && a !== '--');
    const lines: string[] = [];
    for (const path of paths) {
      const file = this.state.files.get(path);
      const entry = file ?? this.state.directories.get(path);
      if (!entry) return failed(1, `stat: cannot statx '${path}': No such file or directory\n`, lines.map((l) => `${l}\n`).join(''));
      const type = file ? (file.content === '' ? 'regular empty file' : 'regular file') : 'directory';
      const fields: Record<string, string> = { a: entry.mode, U: entry.owner, G: entry.group, F: type, n: path, '.9Y': entry.mtime.toFixed(9) };
      lines.push(format.replace(/%(\.9Y|[aUGFn])/g, (_m, field: string) => fields[field]!));
    }
    return ok(lines.map((l) => `${l}\n`).join(''));
  }

  private dpkgQuery(args: readonly string[]): ExecResult {
    const format = args[args.indexOf('-f') + 1] ?? '';
    const name = args.at(-1) ?? '';
    const version = this.state.packages.get(name);
    if (version === undefined) return failed(1, `dpkg-query: no packages found matching ${name}\n`);
    return ok(format.replace('${Status}', 'install ok installed').replace('${Version}', version));
  }

  private systemctl(args: readonly string[]): ExecResult {
    const verbs = args.filter((a) => !a.startsWith('-'));
    const [verb = '', ...units] = verbs;
    const unit = this.state.units.get(unitName(units.at(-1) ?? ''));
    switch (verb) {
      case 'is-enabled':
        return unit ? (unit.enabled === 'enabled' ? ok('enabled\n') : failed(1, '', 'disabled\n')) : failed(1, `Failed to get unit file state for ${unitName(units[0] ?? '')}: No such file or directory\n`);
      case 'is-active':
        return unit?.active === 'active' ? ok('active\n') : failed(3, '', `${unit?.active ?? 'inactive'}\n`);
      case 'show':
        return ok(unit?.startedAtUs === undefined ? '\n' : `${new Date(unit.startedAtUs / 1000).toISOString().replace('T', ' ').replace('Z', '')} UTC\n`);
      case 'enable':
      case 'disable':
        for (const name of units) this.unit(name).enabled = verb === 'enable' ? 'enabled' : 'disabled';
        if (args.includes('--now')) return this.systemctl([verb === 'enable' ? 'start' : 'stop', ...units]);
        return ok();
      case 'start':
      case 'restart':
      case 'reload':
      case 'try-restart':
        for (const name of units) Object.assign(this.unit(name), { active: 'active', startedAtUs: this.now() * 1000 });
        return ok();
      case 'stop':
        for (const name of units) Object.assign(this.unit(name), { active: 'inactive', startedAtUs: undefined });
        return ok();
      default:
        return ok();
    }
  }

  private unit(name: string): FakeUnit {
    const key = unitName(name);
    let unit = this.state.units.get(key);
    if (!unit) this.state.units.set(key, (unit = { enabled: 'disabled', active: 'inactive' }));
    return unit;
  }

  /** `sh -c SCRIPT NAME ARGS`: pgha names each script it runs, and the ones that read or write files are modelled. */
  private script(args: readonly string[], stdin?: Buffer): ExecResult {
    const [, , name = '', ...rest] = args;
    if (name === 'pgha-read') {
      const file = this.state.files.get(rest[0] ?? '');
      return file ? ok(`${file.mode} ${file.owner} ${file.group}\n${file.content}`) : failed(44, `stat: cannot statx '${rest[0]}': No such file or directory\n`);
    }
    if (name === 'pgha-write') {
      const [path = '', owner = '', mode = ''] = rest;
      const [user = '', group = user] = owner.split(':');
      this.makeDirectories(parent(path), '755', 'root', 'root');
      this.state.files.set(path, { content: stdin?.toString('utf8') ?? '', mode: mode.replace(/^0(?=\d{3})/, ''), owner: user, group, mtime: this.seconds() });
      return ok();
    }
    return ok();
  }

  private move([from = '', to = '']: readonly string[]): ExecResult {
    const file = this.state.files.get(from);
    if (!file) return failed(1, `mv: cannot stat '${from}': No such file or directory\n`);
    this.state.files.delete(from);
    this.state.files.set(to, { ...file, mtime: this.seconds() });
    return ok();
  }

  private remove(paths: readonly string[]): ExecResult {
    for (const path of paths) {
      this.state.files.delete(path);
      for (const key of [...this.state.files.keys(), ...this.state.directories.keys()]) {
        if (key === path || key.startsWith(`${path}/`)) {
          this.state.files.delete(key);
          this.state.directories.delete(key);
        }
      }
    }
    return ok();
  }

  private installDirectory(args: readonly string[]): ExecResult {
    const option = (flag: string, fallback: string): string => (args.includes(flag) ? args[args.indexOf(flag) + 1]! : fallback);
    const path = args.at(-1) ?? '';
    if (!args.includes('-d')) return ok();
    this.makeDirectories(path, option('-m', '755'), option('-o', 'root'), option('-g', 'root'));
    const directory = this.state.directories.get(path)!;
    Object.assign(directory, { mode: option('-m', directory.mode), owner: option('-o', directory.owner), group: option('-g', directory.group) });
    return ok();
  }
}
