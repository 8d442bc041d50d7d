import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../agent/contract/document/diagnostic.js';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { projectPath } from '../../helpers/paths.js';
import { BAD_SPEC_EXPECTATIONS } from './bad-spec-expectations.js';

const DIR = projectPath('test/fixtures/specs/bad/');
const FIXTURES = readdirSync(DIR)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.slice(0, -'.yaml'.length))
  .sort();

function asLine(d: Diagnostic): string {
  return `${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message} [${d.rule}]`;
}

function check(name: string) {
  return checkSpec(readFileSync(`${DIR}${name}.yaml`, 'utf8'));
}

describe('broken specs', () => {
  it('has at least 30 fixtures, each with its expected messages', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
    expect(FIXTURES).toEqual(Object.keys(BAD_SPEC_EXPECTATIONS).sort());
  });

  it.each(FIXTURES)('%s is refused with the exact message, line and column', (name) => {
    const result = check(name);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map(asLine)).toEqual(BAD_SPEC_EXPECTATIONS[name]);
  });

  it('never repeats a literal secret back', () => {
    for (const name of ['literal-secret', 'literal-secret-in-parameters']) {
      const text = check(name).diagnostics.map((d) => d.message).join('\n');
      expect(text).toContain('literal secret');
      expect(text).not.toContain('hunter2');
    }
  });
});
