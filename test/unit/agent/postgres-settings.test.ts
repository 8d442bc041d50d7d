import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresSettings } from '../../../agent/config/postgres-settings.js';
import { checkAgentConfig } from '../../../agent/contract/agent-config.js';
import { projectPath } from '../../helpers/paths.js';

const TEXT = readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8');

function config(extra = '') {
  const { config: parsed, diagnostics } = checkAgentConfig(TEXT.replace('  bin_dir: /usr/lib/postgresql/15/bin\n', `  bin_dir: /usr/lib/postgresql/15/bin\n${extra}`));
  expect(diagnostics).toEqual([]);
  return parsed!;
}

describe('PostgreSQL settings of a member', () => {
  it('takes addresses, roles and the bootstrap parameters until the cluster has a live config', () => {
    const settings = postgresSettings(config(), undefined);
    expect(settings).toEqual({
      memberName: 'c1',
      scope: 'lab',
      listenAddresses: ['127.0.0.1'],
      port: 5432,
      parameters: {},
      pgHba: [],
      superuser: { username: 'postgres', password: 'secret-one' },
      replication: { username: 'replicator', password: 'secret-two' },
    });
  });

  it('lets local parameters win, except the cluster-wide ones, and ignores what pgha derives', () => {
    const local = config('  parameters:\n    work_mem: 8MB\n    max_connections: 500\n    port: 6000\n  pg_hba: [local all all peer]\n');
    const live = { postgresql: { parameters: { work_mem: '4MB', max_connections: 200, shared_buffers: '1GB' }, pg_hba: ['host all all 0.0.0.0/0 scram-sha-256'] } };
    const settings = postgresSettings(local, live);
    expect(settings.parameters).toEqual({ work_mem: '8MB', max_connections: 200, shared_buffers: '1GB' });
    expect(settings.pgHba).toEqual(['host all all 0.0.0.0/0 scram-sha-256']);
    expect(postgresSettings(local, { postgresql: {} }).pgHba).toEqual(['local all all peer']);
  });

  it('takes the leader\'s synchronous_standby_names over a configured one, leaving out the empty default', () => {
    const live = { postgresql: { parameters: { synchronous_standby_names: 'x', work_mem: '4MB' } } };
    expect(postgresSettings(config(), live, 'ANY 1 (c2,c3)').parameters).toEqual({ synchronous_standby_names: 'ANY 1 (c2,c3)', work_mem: '4MB' });
    expect(postgresSettings(config(), live, '').parameters).toEqual({ work_mem: '4MB' });
    expect(postgresSettings(config(), live, undefined).parameters).toEqual({ synchronous_standby_names: 'x', work_mem: '4MB' });
  });
});
