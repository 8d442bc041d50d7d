// The three things every kind of resource knows: how to read it (read-only), how it differs from
// the spec (pure), and how to make it match.
import type { Probe } from '../engine/cluster-gate.js';
import type { ReadTransport, Transport } from '../transport/transport.js';
import type { ClusterReader, ClusterWriter } from '../transport/cluster-access.js';
import type { DesiredResource } from './desired-resource.js';
import type { KeyPair } from '../pki/openssl-issuer.js';

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';

/** A resource's state as data (snake_case keys, never a secret; shapes in schemas/plan.schema.json); null: absent. */
export type StateValues = Record<string, unknown> | null;

export interface ChangeValues {
  before: StateValues;
  after: StateValues;
}

export interface ResourceChange {
  action: ChangeAction;
  /** One line per thing that changes, e.g. "mode 644 → 600", "enable", "start". */
  details: string[];
  /** Unified diff of a file's content, secrets masked. */
  diff?: string;
  /** PostgreSQL parameters whose new value takes effect only after a restart. */
  restartNeeded?: string[];
  /** What the change is called when that depends on what was read, e.g. "(max_connections)"; the resource's name otherwise. */
  name?: string;
  /** The state before and after as data, for policies over the JSON plan. */
  values: ChangeValues;
}

export interface ReadContext {
  transport(host: string): ReadTransport;
  cluster: ClusterReader;
}

export interface ApplyContext {
  transport(host: string): Transport;
  cluster: ClusterWriter;
  /** The agent release archive (a .tar.gz of the folder SHA256SUMS lists). */
  agentArchive(): Promise<Buffer>;
  /** A new key and certificate from the cluster CA naming `addresses` (see cli/pki). */
  issueCertificate(addresses: readonly string[]): Promise<KeyPair>;
  /** Waits (bounded) until every etcd member answers on its own; false when they did not. */
  waitEtcd(purpose: string): Promise<boolean>;
  /** Waits (bounded) until the cluster has a running leader and every replica streams; false when it did not. */
  waitHealthy(purpose: string): Promise<boolean>;
  /** Waits (bounded) until the agent on `host` answers itself with its PostgreSQL running; false when it did not. */
  waitAgentBack(host: string, purpose: string): Promise<boolean>;
  /** Waits until `probe` holds, at most `timeoutMs` (by default as long as for a healthy cluster); false when it did not. */
  waitUntil(what: string, probe: () => Promise<Probe>, timeoutMs?: number): Promise<boolean>;
}

export interface ResourceHandler<R extends DesiredResource, O> {
  /** Reads the live state; must be JSON, since its digest marks a saved plan stale. */
  read(resource: R, context: ReadContext): Promise<O>;
  diff(resource: R, observed: O): ResourceChange | undefined;
  /** Something the user should know although nothing will change. */
  notice?(resource: R, observed: O): string | undefined;
  /** Makes the host match; returns a remark worth showing, if any. */
  apply(resource: R, observed: O, context: ApplyContext): Promise<string | undefined>;
}

/** The last lines a command printed (its error output first), on one line. */
export function outputTail(result: { stderr: string; stdout: string }): string {
  return (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
}

/** A command's failure as an Error naming the host and the command. */
export function commandFailed(host: string, what: string, result: { exitCode: number; stderr: string; stdout: string }): Error {
  const output = outputTail(result);
  return new Error(`${host}: ${what} failed (exit ${result.exitCode})${output ? `: ${output}` : ''}`);
}

export async function mustRun(transport: Transport, argv: readonly string[], what: string, stdin?: Buffer): Promise<string> {
  const result = await transport.run(argv, stdin);
  if (result.exitCode !== 0) throw commandFailed(transport.host, what, result);
  return result.stdout;
}
