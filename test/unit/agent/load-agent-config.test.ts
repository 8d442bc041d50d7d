import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from '../../../agent/config/load-agent-config.js';
import { projectPath } from '../../helpers/paths.js';

const VALID = readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8');

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgha-agent-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string): () => ReturnType<typeof loadAgentConfig> {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, text);
  return () => loadAgentConfig(file);
}

describe('loading the agent configuration', () => {
  it('refuses a setting not supported yet as FILE:LINE:COL: sentence', () => {
    const text = VALID.replace('  nofailover: false\n', '  nofailover: false\n  replicatefrom: c2\n');
    const file = join(dir, 'agent.yaml');
    expect(load(text)).toThrow(ConfigError);
    expect(load(text)).toThrow(`${file}:23:3: tags.replicatefrom: cascading replication is not supported by this version of pgha yet; remove it [unsupported]`);
  });

  it('takes callbacks, and refuses one it could not split into words where it is written', () => {
    const callbacks = (command: string): string => VALID.replace('  bin_dir: /usr/lib/postgresql/15/bin\n', `  bin_dir: /usr/lib/postgresql/15/bin\n  callbacks: { on_role_change: ${command} }\n`);
    expect(load(callbacks('/usr/local/bin/move-vip'))().config.postgresql).toMatchObject({ callbacks: { on_role_change: '/usr/local/bin/move-vip' }, callback_timeout: 60 });
    expect(load(callbacks(`"/usr/local/bin/move-vip 'eth0"`))).toThrow(
      `${join(dir, 'agent.yaml')}:13:32: the on_role_change callback cannot be run: its single quote is not closed [callbacks]`,
    );
  });

  it('refuses them in bootstrap.dcs too', () => {
    const file = join(dir, 'agent.yaml');
    expect(load(VALID.replace('    retry_timeout: 4\n', '    retry_timeout: 4\n    max_timelines_history: 10\n'))).toThrow(
      `${file}:21:5: bootstrap.dcs.max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0 [unsupported]`,
    );
  });

  it('never quotes a password in what it refuses, since its messages go to the journal', () => {
    const refusal = (text: string): string => {
      try {
        load(text)();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    const wrongType = refusal(VALID.replace('password: secret-one', 'password: [Leaky-Pass-1, 2]'));
    const broken = refusal(VALID.replace('password: secret-two }', 'password: "Leaky-Pass-2 }'));
    expect(wrongType).toContain('postgresql.authentication.superuser.password');
    expect(broken).toContain('invalid YAML');
    for (const message of [wrongType, broken]) expect(message).not.toMatch(/Leaky-Pass|secret-one|secret-two/);
  });

  it('takes restapi.plain_http_fallback only with a certificate to serve HTTPS with', () => {
    const withFallback = (tls: string) => VALID.replace(/^restapi:\n/m, `restapi:\n${tls}  plain_http_fallback: true\n`);
    expect(load(withFallback(''))).toThrow(/restapi.*certfile/);
    expect(load(withFallback('  certfile: /etc/pgha/api.crt\n  keyfile: /etc/pgha/api.key\n'))()).toMatchObject({ config: { restapi: { plain_http_fallback: true } } });
    expect(load(VALID)()).toMatchObject({ config: { restapi: { plain_http_fallback: false } } });
  });

  it('loads the same file without them', () => {
    expect(load(`${VALID}watchdog:\n  mode: required\n`)()).toMatchObject({ config: { watchdog: { mode: 'required' } }, warnings: [] });
  });
});
