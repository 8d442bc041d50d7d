// The import boundary of DESIGN §2 and the pure decisions of DESIGN §3.1 are enforced by the
// lint step; this proves the rules bite.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function restrictedImports(file: string, from: string, statement = 'import { x }'): Promise<string[]> {
  const [result] = await eslint.lintText(`${statement} from '${from}';\nexport const y = x;\n`, { filePath: `${PROJECT_ROOT}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('import boundary', () => {
  it('refuses cli/ imports in agent/', async () => {
    expect(await restrictedImports('agent/contract/example.ts', '../../cli/run-cli.js')).toEqual([
      "'../../cli/run-cli.js' import is restricted from being used by a pattern. agent/ never imports cli/ (DESIGN §2).",
    ]);
    expect(await restrictedImports('agent/ha/example.ts', '../../cli/spec/check-spec.js')).toHaveLength(1);
  });

  it('lets cli/ import agent/contract/ and nothing else of agent/', async () => {
    expect(await restrictedImports('cli/spec/example.ts', '../../agent/contract/timing.js')).toEqual([]);
    expect(await restrictedImports('cli/example.ts', '../agent/ha/loop.js')).toEqual([
      "'../agent/ha/loop.js' import is restricted from being used by a pattern. cli/ may import only agent/contract/ from agent/ (DESIGN §2).",
    ]);
    expect(await restrictedImports('cli/commands/example.ts', '../../agent/main.js')).toHaveLength(1);
  });
});

describe('pure decisions', () => {
  const NO_IO = 'decisions are pure functions of a snapshot: no I/O here (DESIGN §3.1).';

  it('refuses I/O imports in the HA rules, decide() and buildPlan', async () => {
    expect(await restrictedImports('agent/ha/rules/example.ts', 'node:fs/promises')).toEqual([`'node:fs/promises' import is restricted from being used by a pattern. ${NO_IO}`]);
    expect(await restrictedImports('agent/ha/decide.ts', '../postgres/pg-ctl-controller.js')).toHaveLength(1);
    expect(await restrictedImports('agent/ha/rules/example.ts', 'pg')).toHaveLength(1);
    expect(await restrictedImports('cli/engine/build-plan.ts', '../transport/ssh-connection.js')).toHaveLength(1);
    expect(await restrictedImports('cli/engine/build-plan.ts', 'node:child_process')).toHaveLength(1);
  });

  it('lets them import types from the edges, and pure modules', async () => {
    expect(await restrictedImports('agent/ha/rules/example.ts', '../../postgres/pg-ctl-controller.js', 'import type { x }')).toEqual([]);
    expect(await restrictedImports('agent/ha/rules/example.ts', '../snapshot.js')).toEqual([]);
    expect(await restrictedImports('cli/engine/build-plan.ts', 'node:crypto')).toEqual([]);
    expect(await restrictedImports('agent/ha/ha-loop.ts', 'node:timers/promises')).toEqual([]);
  });
});
