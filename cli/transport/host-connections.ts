// Opens one SSH connection per host of a spec (through its jump host when it has one), at most
// `parallelism` at a time, and keeps them for the whole run.
import type { Duplex } from 'node:stream';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { readBoundedFile } from '../../agent/contract/document/bounded-file.js';
import type { ClusterSpec, Host, JumpHost } from '../../agent/contract/schema-types.js';
import { mapWithLimit } from '../engine/parallel.js';
import { UserError } from '../user-error.js';
import type { CommandLog } from './command-log.js';
import { SshConnection, type SshTarget } from './ssh-connection.js';
import { SshTransport } from './ssh-transport.js';
import type { Transport } from './transport.js';

export interface ConnectOptions {
  /** Directory of the spec file: relative key and known_hosts paths start there. */
  specDirectory: string;
  acceptNewHostKeys: boolean;
  parallelism: number;
  env?: NodeJS.ProcessEnv;
  /** PGHA_LOG=debug: each remote command, its exit status and duration. */
  commandLog?: CommandLog;
}

export interface HostConnections {
  transports: Map<string, Transport>;
  /** Why each host dropped from the spec that could not be reached was not, by name. */
  unreachable: Map<string, string>;
  /** A TCP connection to `address`:`port` as `host` sees it, through its SSH connection. */
  forward(host: string, address: string, port: number): Promise<Duplex>;
  close(): void;
}

/** What reaching a host takes: a host dropped from the spec has only its name and an address the cluster knew it by. */
export type ReachableHost = Pick<Host, 'name' | 'address' | 'ssh'>;

function specPath(path: string, directory: string): string {
  return path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(directory, path);
}

function privateKey(file: string | undefined, directory: string): Buffer | undefined {
  if (file === undefined) return undefined;
  const path = specPath(file, directory);
  const read = readBoundedFile(path);
  if (!read.ok) throw new UserError(`the SSH key ${path}: ${read.problem}`);
  return read.bytes;
}

function targetOf(spec: ClusterSpec, host: ReachableHost, options: ConnectOptions): SshTarget {
  const agentSocket = spec.ssh.use_agent ? (options.env ?? process.env).SSH_AUTH_SOCK : undefined;
  const key = privateKey(host.ssh?.identity_file ?? spec.ssh.identity_file, options.specDirectory);
  if (!key && !agentSocket) {
    throw new UserError(`host ${host.name}: no SSH key: set ssh.identity_file in the spec, or ssh.use_agent with SSH_AUTH_SOCK pointing at a running agent`);
  }
  return {
    name: host.name,
    address: host.ssh?.address ?? host.address,
    port: host.ssh?.port ?? spec.ssh.port,
    user: host.ssh?.user ?? spec.ssh.user,
    privateKey: key,
    agentSocket,
    knownHostsFile: specPath(spec.ssh.known_hosts, options.specDirectory),
    acceptNewHostKeys: options.acceptNewHostKeys,
    connectTimeoutMs: spec.ssh.connect_timeout * 1000,
  };
}

/** Connects to every host of the spec, and to `departed` hosts (dropped from it) where they answer: one that does not fails nothing. */
export async function connectHosts(spec: ClusterSpec, options: ConnectOptions, departed: readonly ReachableHost[] = []): Promise<HostConnections> {
  const opened: SshConnection[] = [];
  const jumps = new Map<string, Promise<SshConnection>>();
  const close = (): void => opened.forEach((connection) => connection.close());
  const jumpFor = (target: SshTarget, jump: JumpHost): Promise<SshConnection> => {
    const user = jump.user ?? target.user;
    const key = `${user}@${jump.address}:${jump.port}`;
    let connection = jumps.get(key);
    if (!connection) {
      connection = SshConnection.open({ ...target, name: `jump host ${jump.address}`, address: jump.address, port: jump.port, user });
      connection.then((c) => opened.push(c), () => undefined);
      jumps.set(key, connection);
    }
    return connection;
  };
  const attempts = await mapWithLimit([...spec.hosts, ...departed], options.parallelism, async (host) => {
    try {
      const target = targetOf(spec, host, options);
      const jump = host.ssh?.jump_host ?? spec.ssh.jump_host;
      const connection = await SshConnection.open(target, jump ? await jumpFor(target, jump) : undefined);
      opened.push(connection);
      return { connection, transport: new SshTransport(connection, host.ssh?.sudo ?? spec.ssh.sudo, options.commandLog) };
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  const departedFailures = attempts.slice(spec.hosts.length).flatMap((attempt, index) => (attempt instanceof Error ? [[departed[index]!.name, attempt.message] as const] : []));
  const failures = attempts.slice(0, spec.hosts.length).filter((attempt) => attempt instanceof Error);
  if (failures.length > 0) {
    close();
    const internal = failures.find((failure) => !(failure instanceof UserError));
    throw internal ?? new UserError([...new Set(failures.map((failure) => failure.message))].join('\n'));
  }
  const hosts = attempts.filter((attempt): attempt is { connection: SshConnection; transport: SshTransport } => !(attempt instanceof Error));
  const connections = new Map(hosts.map(({ connection }) => [connection.target.name, connection]));
  return {
    transports: new Map(hosts.map(({ transport }) => [transport.host, transport])),
    unreachable: new Map(departedFailures),
    forward: (host, address, port) => {
      const connection = connections.get(host);
      return connection ? connection.forward(address, port) : Promise.reject(new Error(`no connection to host ${host}`));
    },
    close,
  };
}
