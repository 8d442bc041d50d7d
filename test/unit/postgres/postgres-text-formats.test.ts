// The text formats the controller writes and reads: WAL positions, libpq conninfo, initdb
// options, pg_controldata output and our postgresql.conf.
import { describe, expect, it } from 'vitest';
import { renderPostgresqlConf, upstreamInConf } from '../../../agent/postgres/config-files.js';
import { formatConninfo, parseConninfo } from '../../../agent/postgres/conninfo.js';
import { clusterState, controlTimeline, parseControlData, rewindPossible, shutDownCleanly, systemIdentifier } from '../../../agent/postgres/control-data.js';
import { initdbArguments } from '../../../agent/postgres/initdb-options.js';
import { formatLsn, parseLsn } from '../../../agent/postgres/lsn.js';
import { slotNameFor, type PostgresSettings } from '../../../agent/postgres/postgres-controller.js';

describe('WAL positions', () => {
  it.each([
    ['0/3000060', 50331744],
    ['1/0', 4294967296],
    ['A/FFFFFFFF', 11 * 2 ** 32 - 1],
  ])('%s is byte %i and back', (text, position) => {
    expect(parseLsn(text)).toBe(position);
    expect(formatLsn(position)).toBe(text);
  });

  it('refuses anything else', () => expect(() => parseLsn('3000060')).toThrow('not a WAL position'));
});

describe('libpq conninfo', () => {
  it('quotes values with spaces, quotes and backslashes, and reads them back', () => {
    const params = { host: '10.0.0.1', port: 5432, user: 'replicator', password: "it's a \\ secret", application_name: 'pg2' };
    const text = formatConninfo(params);
    expect(text).toBe("host=10.0.0.1 port=5432 user=replicator password='it\\'s a \\\\ secret' application_name=pg2");
    expect(parseConninfo(text)).toEqual({ host: '10.0.0.1', port: '5432', user: 'replicator', password: "it's a \\ secret", application_name: 'pg2' });
  });
});

describe('initdb options', () => {
  it("turns Patroni's list into arguments", () => {
    expect(initdbArguments(['data-checksums', { encoding: 'UTF8' }, { locale: 'C.UTF-8' }])).toEqual(['--data-checksums', '--encoding=UTF8', '--locale=C.UTF-8']);
  });

  it('refuses the options pgha sets itself, and anything that is not an option', () => {
    expect(() => initdbArguments([{ pgdata: '/tmp/x' }])).toThrow('--pgdata is set by pgha');
    expect(() => initdbArguments(['--data-checksums; rm -rf /'])).toThrow('not an initdb option');
  });
});

describe('pg_controldata', () => {
  const text = [
    'pg_control version number:            1300',
    'Database system identifier:           7711234567890123456',
    'Database cluster state:               shut down in recovery',
    "Latest checkpoint's TimeLineID:       2",
    "Min recovery ending loc's timeline:   3",
    'wal_log_hints setting:                off',
    'Data page checksum version:           1',
  ].join('\n');
  const control = parseControlData(text);

  it('reads the fields the controller needs', () => {
    expect(systemIdentifier(control)).toBe('7711234567890123456');
    expect(clusterState(control)).toBe('shut down in recovery');
    expect(shutDownCleanly(control)).toBe(true);
    expect(controlTimeline(control)).toBe(3);
    expect(rewindPossible(control)).toBe(true);
  });

  it('tells an unclean shutdown, and a cluster pg_rewind cannot work on', () => {
    const crashed = parseControlData('Database cluster state: in production\nwal_log_hints setting: off\nData page checksum version: 0\n');
    expect(shutDownCleanly(crashed)).toBe(false);
    expect(rewindPossible(crashed)).toBe(false);
  });
});

describe('postgresql.conf', () => {
  const settings: PostgresSettings = {
    memberName: 'pg-2.east',
    scope: 'lab',
    listenAddresses: ['127.0.0.1', '10.0.0.2'],
    port: 5433,
    parameters: { work_mem: '4MB', port: 9999, log_line_prefix: "%m [%p] it's" },
    pgHba: [],
    superuser: { username: 'postgres', password: 'a' },
    replication: { username: 'replicator', password: "b'c" },
  };

  it('writes the managed settings, and the upstream of a replica that can be read back', () => {
    const conf = renderPostgresqlConf(settings, '/data/pg_hba.conf', { kind: 'replica', source: { name: 'pg1', host: '10.0.0.1', port: 5432 } });
    expect(conf).toContain("include 'postgresql.base.conf'");
    expect(conf).toContain("listen_addresses = '127.0.0.1,10.0.0.2'");
    expect(conf).toContain('port = 5433');
    expect(conf).not.toContain('9999');
    expect(conf).toContain("cluster_name = 'lab'");
    expect(conf).toContain(`primary_slot_name = '${slotNameFor('pg-2.east')}'`);
    expect(conf).toContain("log_line_prefix = '%m [%p] it''s'");
    expect(upstreamInConf(conf)).toEqual({ host: '10.0.0.1', port: 5432 });
    expect(upstreamInConf(renderPostgresqlConf(settings, '/data/pg_hba.conf', { kind: 'primary' }))).toBeUndefined();
  });

  it("names slots as Patroni does", () => {
    expect(slotNameFor('pg-2.east')).toBe('pg_2_east');
    expect(slotNameFor('Node@1')).toBe('nodeu00641');
  });
});
