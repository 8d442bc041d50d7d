import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { projectPath } from '../../helpers/paths.js';

const read = (path: string): string => readFileSync(projectPath(path), 'utf8');
const MINIMAL = read('test/fixtures/specs/good/minimal.yaml');

describe('valid specs', () => {
  it.each(['inventories/lab/cluster.yaml', 'inventories/vagrant/cluster.yaml', 'inventories/example/cluster.yaml'])('%s is valid without warnings', (path) => {
    const result = checkSpec(read(path));
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).toBeDefined();
  });

  it('fills in the defaults written in the schema', () => {
    const { spec } = checkSpec(MINIMAL);
    expect(spec?.metadata.namespace).toBe('/service');
    expect(spec?.ssh).toEqual({ user: 'root', port: 22, use_agent: true, known_hosts: 'known_hosts', sudo: false, connect_timeout: 10 });
    expect(spec?.postgres).toMatchObject({ version: 15, port: 5432, data_dir: '/var/lib/postgresql/{version}/main', parameters: {}, users: {} });
    expect(spec?.dcs).toMatchObject({ ttl: 10, loop_wait: 2, retry_timeout: 4, maximum_lag_on_failover: 1048576, synchronous_mode: false });
    expect(spec?.dcs.postgresql).toMatchObject({ use_pg_rewind: true, use_slots: true, parameters: {} });
    expect(spec?.etcd).toMatchObject({ client_port: 2379, peer_port: 2380, allow_single_etcd: false });
    expect(spec?.haproxy).toMatchObject({ primary_port: 5000, replica_port: 5001, stats_port: 7000, check_interval: '1s', fall: 3, rise: 2 });
    expect(spec?.agent).toEqual({ rest_port: 8008, insecure: false, log_level: 'info' });
    expect(spec?.watchdog).toEqual({ mode: 'automatic', device: '/dev/watchdog', safety_margin: 5 });
  });

  it('accepts a required watchdog whose softdog timeout fits between loop_wait and ttl - safety_margin', () => {
    for (const softMargin of [2, 5]) {
      const { spec, diagnostics } = checkSpec(`${MINIMAL}watchdog:\n  mode: required\n  soft_margin: ${softMargin}\n`);
      expect(diagnostics).toEqual([]);
      expect(spec?.watchdog.soft_margin).toBe(softMargin);
    }
  });

  it('accepts a single etcd member when allowed, with a warning', () => {
    const single = MINIMAL.replace('db2, address: 10.1.0.2, roles: [postgres, etcd, haproxy]', 'db2, address: 10.1.0.2, roles: [postgres, haproxy]').replace(
      'db3, address: 10.1.0.3, roles: [postgres, etcd, haproxy]',
      'db3, address: 10.1.0.3, roles: [postgres, haproxy]',
    );
    const result = checkSpec(`${single}etcd:\n  allow_single_etcd: true\n`);
    expect(result.spec).toBeDefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'warning',
        line: 7,
        column: 44,
        message: 'db1 is the only etcd member: losing it stops failover for the whole cluster',
        rule: 'etcd-members',
      },
    ]);
  });

  it('accepts an even number of etcd members (what removing one of five leaves), with a warning', () => {
    const result = checkSpec(read('test/fixtures/specs/good/even-etcd-count.yaml'));
    expect(result.spec).toBeDefined();
    const message = '4 hosts have the etcd role: an even number of members survives no more failures than 3 would, so use 3 or 5';
    expect(result.diagnostics).toEqual([{ severity: 'warning', line: 10, column: 44, message, rule: 'etcd-members' }]);
  });

  it("accepts plain HTTP for the agents' REST API only with a warning", () => {
    const result = checkSpec(`${MINIMAL}agent:\n  insecure: true\n`);
    expect(result.spec?.agent.insecure).toBe(true);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'insecure', message: expect.stringMatching(/^the agents' REST API serves plain HTTP: /) as unknown }),
    ]);
    expect(checkSpec(`${MINIMAL}agent:\n  insecure: false\n`).diagnostics).toEqual([]);
  });

  it('accepts failsafe mode, and warns when a watchdog could reset the primary before the members confirm it', () => {
    const failsafe = (timing: string): string => `${MINIMAL.replace(/\ndcs:\n[\s\S]*$/, '')}\ndcs:\n  failsafe_mode: true\n${timing}watchdog:\n  mode: required\n`;
    expect(checkSpec(failsafe('  ttl: 10\n  loop_wait: 2\n  retry_timeout: 4\n')).diagnostics).toEqual([]);
    expect(checkSpec(failsafe('  ttl: 30\n  loop_wait: 10\n  retry_timeout: 10\n')).diagnostics).toEqual([]);
    expect(checkSpec(failsafe('  ttl: 12\n  loop_wait: 4\n  retry_timeout: 4\n')).diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'failsafe-mode',
        message:
          'with a watchdog timeout of 7s, dcs.loop_wait (4) and dcs.retry_timeout (4) let the watchdog reset the primary during an etcd outage before the members can confirm it; lower retry_timeout or loop_wait, or raise ttl',
      }),
    ]);
  });

  it('accepts a virtual address that no host has, and refuses one a host has', () => {
    const { spec, diagnostics } = checkSpec(`${MINIMAL}routing:\n  vip: { address: 10.1.0.100/24, interface: eth0 }\n`);
    expect(diagnostics).toEqual([]);
    expect(spec?.routing.vip).toEqual({ address: '10.1.0.100/24', interface: 'eth0' });
    expect(checkSpec(`${MINIMAL}routing:\n  vip: { address: 10.1.0.2/24, interface: eth0 }\n`).diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'vip', message: 'routing.vip.address 10.1.0.2 is the address of db2: the virtual address must be one no host has' }),
    ]);
    expect(checkSpec(`${MINIMAL}routing:\n  vip: { address: 10.1.0.300, interface: eth0 }\n`).spec).toBeUndefined();
  });

  it('warns when a node-local setting overrides a cluster-wide one', () => {
    const text = MINIMAL.replace('postgres:\n', 'postgres:\n  parameters:\n    work_mem: 4MB\n') + '  postgresql:\n    parameters:\n      work_mem: 8MB\n';
    const result = checkSpec(text);
    expect(result.spec).toBeDefined();
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`)).toEqual([
      '12:5 warning work_mem is also set in dcs.postgresql.parameters; this node-local value wins on every host',
    ]);
  });

  it('accepts sizes and durations in PostgreSQL units', () => {
    const text = `${MINIMAL}  maximum_lag_on_failover: 16MB\n  member_slots_ttl: 2h\nhaproxy:\n  check_interval: 500ms\n`;
    const { spec, diagnostics } = checkSpec(text);
    expect(diagnostics).toEqual([]);
    expect(spec?.dcs.maximum_lag_on_failover).toBe('16MB');
  });
});
