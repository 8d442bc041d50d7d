// Runs one job of a GitHub Actions workflow file here, as the hosted runner would run its steps:
// every `run:` script exactly as written, with bash -eo pipefail, in order, in a workspace, with
// the workflow's, job's and step's `env` and what a step appends to $GITHUB_ENV. The hosted runner
// itself cannot run here (no GitHub, no internet), so the few actions a workflow `uses:` are
// stood in for by what they do to the workspace (named in USES below); anything else is refused,
// as is any `${{ }}` expression this runner does not know.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number>;
}

interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

export interface WorkflowContext {
  workspace: string;
  /** The runner's temporary directory (`runner.temp`). */
  temp: string;
  secrets: Record<string, string>;
  /** `github.event.*` values the workflow reads, by their path after `github.event.`. */
  event: Record<string, string>;
  /** Workflow-level env values replaced for this run (e.g. which spec). */
  overrides: Record<string, string>;
  /** Environment every step gets besides the workflow's (PATH, npm's prefix). */
  base: NodeJS.ProcessEnv;
  /** Artefacts uploaded by one job and downloaded by another, by name. */
  artifacts: Map<string, string>;
  /** Bodies of pull-request comments the job posted. */
  comments: string[];
}

export interface StepRun {
  step: string;
  code: number;
  output: string;
}

function evaluate(text: string, context: WorkflowContext): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    const secret = /^secrets\.([A-Z0-9_]+)$/.exec(expression);
    if (secret) {
      const value = context.secrets[secret[1]!];
      if (value === undefined) throw new Error(`the workflow reads secrets.${secret[1]}, which this run does not have`);
      return value;
    }
    if (expression === 'runner.temp') return context.temp;
    const event = /^github\.event\.(.+)$/.exec(expression);
    if (event && context.event[event[1]!] !== undefined) return context.event[event[1]!]!;
    throw new Error(`the workflow runner here does not know the expression \${{ ${expression} }}`);
  });
}

const evaluated = (values: Record<string, string | number> | undefined, context: WorkflowContext): Record<string, string> =>
  Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, evaluate(String(value), context)]));

type Action = (inputs: Record<string, string>, context: WorkflowContext) => Promise<void>;

/** What each action the examples use does to the workspace. */
const USES: Record<string, Action> = {
  // The workspace is the checkout: the test lays the repository out in it.
  'actions/checkout@v4': async () => undefined,
  // This machine's Node.js (>= 20) is the one set up.
  'actions/setup-node@v4': async (inputs) => {
    if (Number(process.versions.node.split('.')[0]) < Number(inputs['node-version'])) throw new Error(`Node.js ${process.versions.node} is older than ${inputs['node-version']}`);
  },
  'marocchino/sticky-pull-request-comment@v2': async (inputs, context) => {
    context.comments.push(await readFile(join(context.workspace, inputs.path!), 'utf8'));
  },
  'actions/upload-artifact@v4': async (inputs, context) => {
    const directory = join(context.temp, 'artifacts', inputs.name!);
    await mkdir(directory, { recursive: true });
    const kept = join(directory, basename(inputs.path!));
    await copyFile(join(context.workspace, inputs.path!), kept);
    context.artifacts.set(inputs.name!, kept);
  },
  'dawidd6/action-download-artifact@v6': async (inputs, context) => {
    const kept = context.artifacts.get(inputs.name!);
    if (!kept) throw new Error(`no artefact ${inputs.name} was uploaded`);
    await copyFile(kept, join(context.workspace, basename(kept)));
  },
};

function runScript(script: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Runs job `job` of the workflow file; stops at the first failing step, then runs the `if: always()` ones. */
export async function runWorkflowJob(file: string, job: string, context: WorkflowContext, stepTimeoutMs = 300_000): Promise<StepRun[]> {
  const workflow = parse(await readFile(file, 'utf8')) as Workflow;
  const steps = workflow.jobs[job]?.steps;
  if (!steps) throw new Error(`${file} has no job ${job}`);
  await mkdir(context.temp, { recursive: true });
  const githubEnv = join(context.temp, `github-env-${job}`);
  await writeFile(githubEnv, '');
  const runs: StepRun[] = [];
  let failed = false;
  for (const [index, step] of steps.entries()) {
    const always = step.if?.trim() === 'always()';
    if (failed && !always) continue;
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    if (step.uses) {
      const action = USES[step.uses];
      if (!action) throw new Error(`the workflow runner here does not stand in for ${step.uses}`);
      await action(evaluated(step.with, context), context);
      runs.push({ step: name, code: 0, output: '' });
      continue;
    }
    const added = await jobEnvironment(context, job);
    const env = { ...context.base, GITHUB_ENV: githubEnv, GITHUB_WORKSPACE: context.workspace, RUNNER_TEMP: context.temp, ...evaluated(workflow.env, context), ...context.overrides, ...evaluated(workflow.jobs[job]!.env, context), ...evaluated(step.env, context), ...added };
    const result = await runScript(step.run!, env, context.workspace, stepTimeoutMs);
    runs.push({ step: name, ...result });
    if (result.code !== 0) failed = true;
  }
  return runs;
}

/** What the job's steps appended to $GITHUB_ENV so far (a started ssh-agent's PID, for instance). */
export async function jobEnvironment(context: WorkflowContext, job: string): Promise<Record<string, string>> {
  const text = await readFile(join(context.temp, `github-env-${job}`), 'utf8').catch(() => '');
  return Object.fromEntries(text.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}
