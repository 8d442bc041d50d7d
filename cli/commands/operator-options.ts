// The options every operator command shares (which spec, at which Git ref; JSON output), and the
// session it opens on the cluster's control plane.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv } from 'yargs';
import type { ClusterDocument, ClusterMemberDocument } from '../../agent/contract/cluster-document.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { clusterGate, type ClusterGate } from '../engine/cluster-gate.js';
import { openOperatorSession, type OperatorSession } from '../engine/operator-session.js';
import { LEADER_ROLES, type ClusterReader } from '../transport/cluster-access.js';
import { UserError } from '../user-error.js';
import { progressLine } from '../views/progress-lines.js';
import type { CommandContext } from './command-context.js';
import { diagnosticsReporter } from './provisioning-options.js';

export interface OperatorArgs {
  spec: string;
  ref?: string;
  json: boolean;
}

export function withOperatorOptions<T>(yargs: Argv<T>): Argv<T & OperatorArgs> {
  return yargs
    .positional('spec', { describe: 'Cluster spec file (YAML); its .pgha directory holds the CA and credentials pgha reaches the cluster with', type: 'string', demandOption: true })
    .option('ref', { describe: 'Read the spec as committed at this Git ref (branch, tag or commit)', type: 'string', requiresArg: true })
    .option('json', { describe: 'Print the result as JSON on stdout', type: 'boolean', default: false }) as Argv<T & OperatorArgs>;
}

export function operatorSession(context: CommandContext, args: OperatorArgs): Promise<OperatorSession> {
  return openOperatorSession({
    file: args.spec,
    ...(args.ref !== undefined && { ref: args.ref }),
    env: context.env,
    issuer: context.issuer,
    connect: context.connect,
    reportDiagnostics: diagnosticsReporter(context),
  });
}

export interface LiveMembers {
  document: ClusterDocument;
  names: string[];
  leader: string | undefined;
}

/** GET /cluster from the first agent that answers; `doing` says what cannot be done without one ("nothing can be moved now"). */
export async function liveMembers(cluster: ClusterReader, scope: string, doing: string): Promise<LiveMembers> {
  const document = await cluster.clusterDocument();
  if (!document) throw new UserError(`no agent of cluster ${scope} answers its REST API, so ${doing}`);
  return { document, names: document.members.map((m) => m.name), leader: document.members.find((m) => LEADER_ROLES.has(m.role))?.name };
}

export function memberNamed(live: LiveMembers, name: string, scope: string): ClusterMemberDocument {
  const member = live.document.members.find((m) => m.name === name);
  if (!member) throw new UserError(`${name} is not a member of cluster ${scope} (members: ${live.names.join(', ')})`);
  return member;
}

/** The waits of an operator command that changes members one at a time, its progress on stderr unless --json. */
export function operatorGate(context: CommandContext, spec: ClusterSpec, cluster: ClusterReader, json: boolean): ClusterGate {
  return clusterGate(spec, cluster, { etcdTimeoutMs: 90_000, clusterTimeoutMs: 180_000, pollMs: 1000, now: () => Date.now(), sleep }, (event) => {
    if (!json) context.io.err(`${progressLine(event, new Date())}\n`);
  });
}
