import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAgentConfig } from '../../../agent/contract/agent-config.js';
import { projectPath } from '../../helpers/paths.js';

const VALID = readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8');

function messages(text: string): string[] {
  return checkAgentConfig(text).diagnostics.map((d) => `${d.line}:${d.column}: ${d.message} [${d.rule}]`);
}

describe('agent configuration', () => {
  it('accepts a valid file and fills in the defaults', () => {
    const { config, diagnostics } = checkAgentConfig(VALID);
    expect(diagnostics).toEqual([]);
    expect(config?.namespace).toBe('/service');
    expect(config?.log.level).toBe('info');
    expect(config?.postgresql.pg_ctl_timeout).toBe(60);
    expect(config?.bootstrap.dcs).toMatchObject({ ttl: 10, loop_wait: 2, retry_timeout: 4, maximum_lag_on_failover: 1048576 });
    expect(config?.bootstrap.initdb).toEqual(['data-checksums', { encoding: 'UTF8' }, { locale: 'C.UTF-8' }]);
    expect(config?.watchdog).toEqual({ mode: 'automatic', device: '/dev/watchdog', sysfs: '/sys', safety_margin: 5 });
  });

  it('names every missing key of an object in one message', () => {
    expect(messages(VALID.replace(/postgresql:\n(.*\n)*?(?=bootstrap:)/, 'postgresql: {}\n'))).toEqual([
      '8:1: postgresql is missing required keys "listen", "connect_address", "data_dir", "bin_dir" and "authentication" [required]',
    ]);
  });

  it('refuses addresses without a port', () => {
    expect(messages(VALID.replace('hosts: [127.0.0.1:2379]', 'hosts: [127.0.0.1]'))).toEqual([
      '4:11: etcd.hosts[0] must be host:port, e.g. "10.0.0.1:5432" or "[::1]:5432", got the string "127.0.0.1" [address]',
    ]);
  });

  it('applies the timing rule to the bootstrap dynamic configuration', () => {
    expect(messages(VALID.replace('retry_timeout: 4', 'retry_timeout: 5'))).toEqual([
      '18:10: bootstrap.dcs.loop_wait (2) + 2 * bootstrap.dcs.retry_timeout (5) = 12 exceeds bootstrap.dcs.ttl (10): ' +
        'the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout [timing]',
    ]);
  });

  it('needs the key file beside a certificate', () => {
    expect(messages(VALID.replace('  connect_address: 127.0.0.1:8008\n', '  connect_address: 127.0.0.1:8008\n  certfile: /etc/pgha/tls/api.pem\n'))).toEqual([
      '8:3: restapi.certfile needs restapi.keyfile too [required]',
    ]);
  });
});
