// What hands used to Terraform type: one-dash long flags, Go durations, -no-color, -input=false,
// `pgha version`, shell completion.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../cli/exit-codes.js';
import { narrowedIo } from '../../../cli/io.js';
import { cliDuration } from '../../../cli/options/cli-duration.js';
import { terraformStyleFlags } from '../../../cli/options/terraform-flags.js';
import { runCli } from '../../../cli/run-cli.js';
import packageJson from '../../../package.json' with { type: 'json' };
import { projectPath } from '../../helpers/paths.js';
import { recordingIo } from '../../helpers/recording-io.js';

const BAD = projectPath('test/fixtures/specs/bad/timing-rule.yaml');
const LAB = projectPath('inventories/lab/cluster.yaml');
const environment = (agentBundleDir = projectPath('dist/agent/bin')) => ({ agentBundleDir, env: {}, issuer: undefined as never, connect: undefined as never });

async function run(args: string[], colour = false, agentBundleDir?: string) {
  const io = recordingIo(colour);
  const code = await runCli(args, io, environment(agentBundleDir));
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('one-dash long flags', () => {
  it('gets a second dash for a word of two or more letters, with or without a value', () => {
    expect(terraformStyleFlags(['apply', '-auto-approve', '-lock-timeout=5m', '-out=lab.plan', '-out', 'x', '-no-color', '-input=false', '-detailed-exitcode'])).toEqual([
      'apply', '--auto-approve', '--lock-timeout=5m', '--out=lab.plan', '--out', 'x', '--no-color', '--input=false', '--detailed-exitcode',
    ]);
  });

  it('leaves one-letter flags, two-dash flags, values and everything after -- alone', () => {
    expect(terraformStyleFlags(['-h', '--json', 'cluster.yaml', '-1', '--', '-auto-approve'])).toEqual(['-h', '--json', 'cluster.yaml', '-1', '--', '-auto-approve']);
  });

  it('are read by the commands: validate -json', async () => {
    const { code, stdout } = await run(['validate', '-json', LAB]);
    expect(code).toBe(ExitCode.ok);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ valid: true, cluster: 'lab' })]);
  });

  it('name an unknown flag by its word, not its letters', async () => {
    const { code, stderr } = await run(['validate', LAB, '-auto-aprove']);
    expect(code).toBe(ExitCode.failed);
    expect(stderr).toMatch(/^pgha: Unknown arguments?: auto-aprove/);
  });
});

describe('durations on the command line', () => {
  it("take Go's form, PostgreSQL's units, and bare seconds", () => {
    const cases: [string, number][] = [['5m', 300_000], ['30s', 30_000], ['1h30m', 5_400_000], ['1m30s', 90_000], ['300ms', 300], ['1.5h', 5_400_000], ['5min', 300_000], ['30 s', 30_000], ['0', 0], ['45', 45_000]];
    for (const [text, ms] of cases) expect(cliDuration('lock-timeout', text), text).toBe(ms);
  });

  it('refuse anything else with one sentence naming the flag', () => {
    for (const text of ['5x', '', 'm', '5m5', '-5m', '5 m 3', 'soon']) {
      expect(() => cliDuration('lock-timeout', text), text).toThrow(`--lock-timeout: "${text}" is not a duration (e.g. 0, 30s, 5m, 1h30m, 5min)`);
    }
  });

  it('read 100 KB of digits and units in linear time', () => {
    const started = performance.now();
    expect(() => cliDuration('lock-timeout', '1m'.repeat(50_000))).toThrow('is not a duration');
    expect(() => cliDuration('lock-timeout', '1'.repeat(100_000))).toThrow('is not a duration');
    expect(performance.now() - started).toBeLessThan(10);
  });

  it('are checked by apply before anything is contacted, in both spellings', async () => {
    expect((await run(['apply', '-lock-timeout=5x', LAB])).stderr).toBe(
      'pgha: --lock-timeout: "5x" is not a duration (e.g. 0, 30s, 5m, 1h30m, 5min)\n',
    );
    expect((await run(['apply', '--lock-timeout', 'soon', LAB])).stderr).toContain('"soon" is not a duration');
  });
});

describe('-no-color and -input=false', () => {
  it('-no-color turns colour off on a terminal', async () => {
    expect((await run(['validate', BAD], true)).stderr).toContain('\u001b[');
    for (const flag of ['-no-color', '--no-color', '--color=false']) expect((await run(['validate', flag, BAD], true)).stderr, flag).not.toContain('\u001b[');
  });

  it('-input=false never asks, whatever the terminal', async () => {
    const terminal = { ...recordingIo(), ask: () => Promise.resolve('yes') };
    expect(await narrowedIo(terminal, { colour: true, input: true }).ask('?')).toBe('yes');
    expect(await narrowedIo(terminal, { colour: true, input: false }).ask('?')).toBeUndefined();
    expect((await run(['validate', '-input=false', LAB])).code).toBe(ExitCode.ok);
  });
});

describe('pgha version', () => {
  it("prints the CLI's version and the bundled agent's, asked of the bundle", async () => {
    for (const args of [['version'], ['--version'], ['-version']]) {
      const { code, stdout } = await run(args);
      expect(code).toBe(ExitCode.ok);
      expect(stdout).toBe(`pgha ${packageJson.version}\npgha-agent ${packageJson.version} (${projectPath('dist/agent/bin/pgha-agent.mjs')})\n`);
    }
    expect(JSON.parse((await run(['version', '--json'])).stdout)).toEqual({ pgha: packageJson.version, agent: { version: packageJson.version, bundle: projectPath('dist/agent/bin/pgha-agent.mjs') } });
  });

  it('says so when there is no agent bundle', async () => {
    const { code, stdout } = await run(['version'], false, '/nonexistent/bin');
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toBe(`pgha ${packageJson.version}\npgha-agent unknown: the agent bundle is missing; run "npm run build" (/nonexistent/bin/pgha-agent.mjs)\n`);
  });
});

describe('pgha completion', () => {
  it('prints a bash completion script, and the script gets the commands', async () => {
    const script = await run(['completion']);
    expect(script.code).toBe(ExitCode.ok);
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _pgha_yargs_completions pgha');
    const words = (await run(['--get-yargs-completions', 'pgha', 'pl'])).stdout.split('\n');
    expect(words).toEqual(expect.arrayContaining(['plan', 'apply', 'version', 'completion']));
  });
});
