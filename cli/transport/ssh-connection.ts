// One SSH connection to one host (ssh2), opened only after its host key passed the spec's
// known_hosts file; commands go as argument vectors. A refused key, an unreachable host or a
// refused login ends in one sentence naming the host.
import { appendFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { readBoundedFile } from '../../agent/contract/document/bounded-file.js';
import { UserError } from '../user-error.js';
import { checkHostKey, fingerprint, knownHostsLine, parseKnownHosts } from './known-hosts.js';
import { commandLine } from './shell-quote.js';

export interface SshTarget {
  /** The host's name in the spec, for messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key from a file; absent when only the SSH agent offers keys. */
  privateKey?: Buffer;
  /** Socket of the SSH agent whose keys are offered (`SSH_AUTH_SOCK`). */
  agentSocket?: string;
  knownHostsFile: string;
  /** Trust a host that known_hosts does not list yet, and record its key there. */
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The key type named inside an SSH public key blob (a length-prefixed string first). */
function keyType(blob: Buffer): string {
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString();
}

/** A known_hosts file that does not exist yet trusts nothing; one that cannot be read is the user's to fix. */
function readKnownHosts(file: string): string {
  const read = readBoundedFile(file);
  if (read.ok) return read.bytes.toString('utf8');
  if (read.code === 'ENOENT') return '';
  throw new UserError(`the known_hosts file ${file}: ${read.problem}`);
}

/** sshd's default MaxSessions is 10: beyond that it refuses to open a channel. */
const MAX_SESSIONS = 8;
/** sshd frees a finished session a moment after its channel closes, so a refusal is retried. */
const OPEN_RETRIES = 20;
const OPEN_RETRY_MS = 100;
const isOpenRefusal = (error: Error): boolean => /Channel open failure/i.test(error.message);

export class SshConnection {
  private sessions = 0;
  private readonly waiting: (() => void)[] = [];

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {}

  /** Opens a connection to `target`, through `via` (a jump host, like `ssh -J`) when given. */
  static async open(target: SshTarget, via?: SshConnection): Promise<SshConnection> {
    const entries = parseKnownHosts(readKnownHosts(target.knownHostsFile));
    const where = `host ${target.name} (${target.address}:${target.port})`;
    let refusal: string | undefined;
    let firstContact: string | undefined;
    const sock = via ? await via.forward(target.address, target.port) : undefined;
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (error: Error & { level?: string }) => {
        if (refusal) return reject(new UserError(refusal));
        const why = error.level === 'client-authentication' ? `the login as ${target.user} was refused` : `cannot connect: ${error.message}`;
        reject(new UserError(`${where}: ${why}`));
      });
      client.connect({
        host: target.address,
        port: target.port,
        username: target.user,
        privateKey: target.privateKey,
        agent: target.agentSocket,
        sock,
        readyTimeout: target.connectTimeoutMs,
        hostVerifier: (key: Buffer) => {
          const type = keyType(key);
          const seen = `${type} ${fingerprint(key)}`;
          const verdict = checkHostKey(entries, target.address, target.port, type, key);
          if (verdict.kind === 'known') return true;
          if (verdict.kind === 'unknown' && target.acceptNewHostKeys) {
            firstContact = knownHostsLine(target.address, target.port, type, key);
            return true;
          }
          if (verdict.kind === 'unknown') {
            refusal = `${where}: its host key ${seen} is not in ${target.knownHostsFile}; check it, then run again with --accept-new-host-keys to record it`;
          } else if (verdict.kind === 'changed') {
            refusal = `${where}: its host key ${seen} does not match the one in ${target.knownHostsFile} (line ${verdict.recordedAt.join(', ')}); if the host was rebuilt, remove that line`;
          } else {
            refusal = `${where}: its host key ${seen} is revoked in ${target.knownHostsFile} (line ${verdict.line})`;
          }
          return false;
        },
      });
    });
    if (firstContact) await appendFile(target.knownHostsFile, `${firstContact}\n`, { mode: 0o600 });
    return new SshConnection(client, target);
  }

  /** A TCP connection to `address`:`port` as the host sees it (`ssh -W`). */
  forward(address: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, address, port, (error, stream) => {
        if (error) reject(new UserError(`${this.target.name} cannot reach ${address}:${port}: ${error.message}`));
        else resolve(stream);
      });
    });
  }

  /** Runs `work` once fewer than MAX_SESSIONS commands run on this connection. */
  private async inSession<T>(work: () => Promise<T>): Promise<T> {
    if (this.sessions < MAX_SESSIONS) this.sessions++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.sessions--;
    }
  }

  /** Runs `argv` on the host; `stdin`, when given, is written to the command's standard input. */
  exec(argv: readonly string[], stdin?: Buffer): Promise<ExecResult> {
    return this.inSession(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.execNow(argv, stdin);
        } catch (error) {
          if (!(error instanceof Error) || !isOpenRefusal(error) || attempt === OPEN_RETRIES) {
            throw new UserError(`host ${this.target.name}: cannot run ${argv[0]}: ${error instanceof Error ? error.message : String(error)}`);
          }
          await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
        }
      }
    });
  }

  private execNow(argv: readonly string[], stdin?: Buffer): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(commandLine(argv), (error, stream) => {
        if (error) return reject(error);
        stream.end(stdin);
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('close', (code: number | null) =>
          resolve({ exitCode: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }),
        );
      });
    });
  }

  close(): void {
    this.client.end();
  }
}
