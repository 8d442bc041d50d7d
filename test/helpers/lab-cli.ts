// The pgha CLI run against the lab from the tests, and the lab cluster's members as its agents
// report them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { agentApiAccess } from '../../cli/desired/agent-api-access.js';
import { Secrets } from '../../cli/desired/secrets.js';
import { readLocalMaterial } from '../../cli/pki/local-material.js';
import { checkSpec } from '../../cli/spec/check-spec.js';
import { agentApiClient, type AgentAnswer } from '../../cli/transport/agent-api-client.js';
import { labAddress } from './lab.js';
import { projectPath } from './paths.js';

const LAB_DIRECTORY = projectPath('inventories/lab');

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Names a pgha installed from its package (see installed-pgha.ts) for runPgha to run instead of this tree's bin/pgha.mjs. */
export const INSTALLED_PGHA_ENV = 'PGHA_E2E_BIN';

/** The pgha the lab tests run: an installed one when INSTALLED_PGHA_ENV names it. */
export const pghaBinary = (): string => process.env[INSTALLED_PGHA_ENV] ?? projectPath('bin/pgha.mjs');

/** Runs pgha (see pghaBinary); every stdout and stderr also goes to `outputs`, for secret checks. */
export async function runPgha(outputs: string[], ...args: string[]): Promise<CliRun> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run('node', [pghaBinary(), ...args], { timeout: 400_000, maxBuffer: 64 * 1024 * 1024 });
    outputs.push(stdout, stderr);
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    outputs.push(failed.stdout ?? '', failed.stderr ?? '');
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', ms: Date.now() - started };
  }
}

export interface Member {
  name: string;
  role: string;
  state: string;
}

/**
 * A call to a lab agent's REST API as pgha makes it: over HTTPS with the cluster CA that apply
 * keeps beside the lab spec, the lab's credentials on a mutating call.
 */
export async function labApi(
  host: number,
  path: string,
  call: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; scheme?: 'https' | 'http' } = {},
): Promise<AgentAnswer> {
  const spec = labSpecOnDisk();
  const secrets = new Secrets({ specDirectory: LAB_DIRECTORY, env: process.env });
  const client = agentApiClient(agentApiAccess(spec, readLocalMaterial(LAB_DIRECTORY, spec.metadata.name), secrets), secrets);
  return client.call(`${call.scheme ?? 'https'}://${labAddress(host)}:${spec.agent.rest_port}${path}`, { ...call, timeoutMs: call.timeoutMs ?? 2000 });
}

function labSpecOnDisk(): ClusterSpec {
  const { spec, diagnostics } = checkSpec(readFileSync(join(LAB_DIRECTORY, 'cluster.yaml'), 'utf8'));
  if (!spec) throw new Error(`the lab spec is not valid: ${JSON.stringify(diagnostics)}`);
  return spec;
}

/** GET /cluster from the first lab agent that answers, over HTTPS or else plain HTTP (agent.insecure); [] when none does. */
export async function labMembers(hosts: readonly number[] = [1, 2, 3]): Promise<Member[]> {
  for (const [host, scheme] of hosts.flatMap((h) => [[h, 'https'] as const, [h, 'http'] as const])) {
    try {
      const answer = await labApi(host, '/cluster', { scheme });
      if (answer.status === 200) return (JSON.parse(answer.text) as { members: Member[] }).members;
    } catch {
      // try the next host
    }
  }
  return [];
}
