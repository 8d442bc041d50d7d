// The bundled agent (dist/agent/bin/pgha-agent.mjs) as systemd will run it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../helpers/paths.js';

function agent(...args: string[]) {
  const result = spawnSync(process.execPath, [projectPath('dist/agent/bin/pgha-agent.mjs'), ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pgha-agent binary', () => {
  it('accepts a valid configuration', () => {
    const file = projectPath('test/fixtures/agent/valid.yaml');
    expect(agent('--validate-config', file)).toEqual({ status: 0, stdout: `${file}: valid: member c1 of cluster lab (namespace /service)\n`, stderr: '' });
  });

  it('exits 2 with positions for a bad configuration, and for a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgha-agent-'));
    try {
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, 'name: c1\nscope: lab\nnamespace: service\n');
      const bad = agent('--validate-config', file);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe(
        `${file}:1:1: missing required keys "etcd", "restapi" and "postgresql" [required]\n` +
          `${file}:3:12: namespace must be an etcd prefix such as "/service" (a "/" followed by names separated by "/"), got the string "service" [name]\n`,
      );
      expect(agent('--validate-config', join(dir, 'absent.yaml'))).toMatchObject({ status: 2, stderr: `${join(dir, 'absent.yaml')}: no such file\n` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a setting it does not support yet, whether checking the file or starting with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgha-agent-'));
    try {
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, `${readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8')}  nostream: true\n`);
      const refusal = {
        status: 2,
        stdout: '',
        stderr: `${file}:23:3: tags.nostream: replicas that restore from the WAL archive without streaming are not supported by this version of pgha yet; remove it or set it to false [unsupported]\n`,
      };
      expect(agent('--validate-config', file)).toEqual(refusal);
      expect(agent('--config', file)).toEqual(refusal);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its version, and its usage on a bad call', () => {
    expect(agent('--version')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^pgha-agent \d+\.\d+\.\d+\n$/) });
    expect(agent('--frobnicate')).toMatchObject({ status: 2, stderr: expect.stringContaining('Usage: pgha-agent') });
  });
});
