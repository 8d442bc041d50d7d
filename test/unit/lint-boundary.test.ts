// The import boundary of DESIGN §2 is enforced by the lint step; this proves the rule bites.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function restrictedImports(file: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: `${PROJECT_ROOT}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
