// The built `pgha` as users run it: a real process, real exit codes, real streams.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, projectPath } from '../helpers/paths.js';

function pgha(...args: string[]) {
  const result = spawnSync(process.execPath, [projectPath('bin/pgha.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pgha binary', () => {
  it('teaches its usage with --help', () => {
    const { status, stdout } = pgha('--help');
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: pgha <command> [options]');
    expect(stdout).toContain('pgha validate <files..>');
    expect(stdout).toContain('pgha validate inventories/example/cluster.yaml');
    expect(stdout).toContain('Exit status: 0 success, 1 a problem you can fix');
  });

  it('teaches validate with examples', () => {
    const { status, stdout } = pgha('validate', '--help');
    expect(status).toBe(0);
    expect(stdout).toContain('--ref');
    expect(stdout).toContain('pgha validate --ref origin/main cluster.yaml');
    expect(stdout).toContain('FILE:LINE:COL: message [rule]');
  });

  it('validates every inventory', () => {
    const { status, stdout, stderr } = pgha('validate', 'inventories/example/cluster.yaml', 'inventories/lab/cluster.yaml', 'inventories/vagrant/cluster.yaml');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(3);
  });

  it('exits 1 with positions and no stack trace for a bad spec', () => {
    const { status, stdout, stderr } = pgha('validate', 'test/fixtures/specs/bad/broken-yaml.yaml');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('test/fixtures/specs/bad/broken-yaml.yaml:9:3: invalid YAML: Flow map in block collection must be sufficiently indented and end with a } [yaml]\n');
  });

  it('keeps stdout clean JSON with --json', () => {
    const { status, stdout, stderr } = pgha('validate', '--json', 'test/fixtures/specs/bad/literal-secret.yaml');
    expect(status).toBe(1);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject([{ valid: false, diagnostics: [{ line: 12, column: 48, rule: 'literal-secret' }] }]);
    expect(stdout).not.toContain('hunter2');
  });
});
