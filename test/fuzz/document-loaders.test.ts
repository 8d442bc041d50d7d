// Fuzzes the two loaders of documents people write: the cluster spec, through the CLI's own entry
// (`pgha validate`, in-process), and the agent's configuration file. Random mutations of the
// inventories' specs and of the agent fixture, random bytes, huge and deep documents: a spec is
// valid (exit 0) or refused with every problem at FILE:LINE:COL (exit 1), never an internal
// error (exit 3); the agent's loader answers with its config or a ConfigError, nothing else.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from '../../agent/config/load-agent-config.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { runCli } from '../../cli/run-cli.js';
import { projectPath } from '../helpers/paths.js';
import { recordingIo } from '../helpers/recording-io.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { FUZZ_SCALE, FUZZ_SEED, hugeOrDeep, mutateMany, Random, randomBytesText } from './fuzz-input.js';

const MAX_INSERT = 100 * 1024;
const MAX_DOCUMENT = 256 * 1024;

const SPECS = [
  ...['lab', 'vagrant', 'example'].map((name) => readFileSync(projectPath(`inventories/${name}/cluster.yaml`), 'utf8')),
  ...readdirSync(projectPath('test/fixtures/specs/good')).map((name) => readFileSync(projectPath(`test/fixtures/specs/good/${name}`), 'utf8')),
];
const AGENT_CONFIG = readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8');

/** A hostile document: mostly a mutated sample, sometimes random bytes or a huge or deep one. */
function hostileDocument(random: Random, samples: readonly string[]): string {
  const sample = random.pick(samples);
  const roll = random.next();
  if (roll < 0.8) return mutateMany(random, sample, MAX_INSERT);
  if (roll < 0.9) return randomBytesText(random, 4096);
  return hugeOrDeep(random, sample, MAX_DOCUMENT);
}

describe(`fuzzing the document loaders (seed ${FUZZ_SEED})`, () => {
  const dir = useTempDir('pgha-fuzz-documents-');

  it('pgha validate: exit 0, or exit 1 with every problem at a position; never 3', async () => {
    const random = new Random(FUZZ_SEED);
    const file = join(dir(), 'cluster.yaml');
    const outcomes = { valid: 0, refused: 0 };
    for (let run = 0; run < 300 * FUZZ_SCALE; run++) {
      const text = hostileDocument(random, SPECS);
      writeFileSync(file, text);
      const io = recordingIo();
      const code = await runCli(['validate', file], io);
      const context = `run ${run} (seed ${FUZZ_SEED}): ${JSON.stringify(text.slice(0, 300))}\n${io.stderr.slice(0, 2000)}`;
      expect(code, context).not.toBe(ExitCode.internal);
      if (code === ExitCode.ok) {
        outcomes.valid++;
        continue;
      }
      expect(code, context).toBe(ExitCode.failed);
      outcomes.refused++;
      const lines = io.stderr.trimEnd().split('\n');
      // A file over 1 MiB is the one refusal without a position: it is not read at all.
      if (lines[0] === `pgha: ${file}: is larger than 1 MiB, the limit for this file`) continue;
      for (const line of lines) expect(line.startsWith(`${file}:`) && /^:\d+:\d+: /.test(line.slice(file.length)), context).toBe(true);
    }
    console.log(`spec fuzz: ${outcomes.valid + outcomes.refused} documents, ${outcomes.valid} valid, ${outcomes.refused} refused with positions`);
  }, 240_000 * FUZZ_SCALE);

  it("the agent's configuration loader: a configuration or a ConfigError at positions, nothing else", () => {
    const random = new Random(FUZZ_SEED + 1);
    const file = join(dir(), 'agent.yaml');
    const outcomes = { loaded: 0, refused: 0 };
    for (let run = 0; run < 300 * FUZZ_SCALE; run++) {
      const text = hostileDocument(random, [AGENT_CONFIG]);
      writeFileSync(file, text);
      const context = `run ${run} (seed ${FUZZ_SEED + 1}): ${JSON.stringify(text.slice(0, 300))}`;
      try {
        loadAgentConfig(file);
        outcomes.loaded++;
      } catch (error) {
        expect(error, context).toBeInstanceOf(ConfigError);
        outcomes.refused++;
        const message = (error as Error).message;
        if (message === `${file}: is larger than 1 MiB, the limit for this file`) continue;
        for (const line of message.split('\n')) expect(/^:\d+:\d+: /.test(line.slice(file.length)), `${context}\n${message.slice(0, 2000)}`).toBe(true);
      }
    }
    console.log(`agent config fuzz: ${outcomes.loaded + outcomes.refused} documents, ${outcomes.loaded} loaded, ${outcomes.refused} refused with positions`);
  }, 240_000 * FUZZ_SCALE);
});
