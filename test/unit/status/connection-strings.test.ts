// `pgha dsn`: the libpq multi-host strings and HAProxy endpoints, from the spec alone.
import { describe, expect, it } from 'vitest';
import { connectionStrings } from '../../../cli/status/connection-strings.js';
import { labSpec } from '../provisioner/lab-desired.js';

describe('connection strings', () => {
  it('list every postgres host for writes, and every HAProxy primary port', () => {
    expect(connectionStrings(labSpec(), { readOnly: false, dbname: 'postgres' })).toEqual({
      libpq: 'host=10.213.7.11,10.213.7.12,10.213.7.13 port=5432,5432,5432 dbname=postgres target_session_attrs=read-write',
      uri: 'postgresql://10.213.7.11:5432,10.213.7.12:5432,10.213.7.13:5432/postgres?target_session_attrs=read-write',
      haproxy: ['10.213.7.11:5000', '10.213.7.12:5000', '10.213.7.13:5000'],
    });
  });

  it('prefer a standby for reads, and quote what libpq would split', () => {
    const strings = connectionStrings(labSpec(), { readOnly: true, dbname: "my 'db'", user: 'app' });
    expect(strings.libpq).toBe("host=10.213.7.11,10.213.7.12,10.213.7.13 port=5432,5432,5432 dbname='my \\'db\\'' user=app target_session_attrs=prefer-standby");
    expect(strings.uri).toBe("postgresql://app@10.213.7.11:5432,10.213.7.12:5432,10.213.7.13:5432/my%20'db'?target_session_attrs=prefer-standby");
    expect(strings.haproxy).toEqual(['10.213.7.11:5001', '10.213.7.12:5001', '10.213.7.13:5001']);
  });
});
