import { describe, expect, it } from 'vitest';
import { labSecrets, SECRET_VALUES } from './lab-desired.js';

describe('secret masking', () => {
  it('replaces every resolved value, and any value under a password key, with (sensitive)', () => {
    const secrets = labSecrets();
    secrets.resolve({ env: 'PGHA_AGENT' }, 'agent.auth.password');
    const text = `url: http://pgha:${SECRET_VALUES.PGHA_AGENT}@h\n  password: an-old-one\nETCD_INITIAL_CLUSTER_TOKEN=pgha-lab\n`;
    expect(secrets.mask(text)).toBe('url: http://pgha:(sensitive)@h\n  password: (sensitive)\nETCD_INITIAL_CLUSTER_TOKEN=pgha-lab\n');
  });

  it('names the spec field and the source of a secret it cannot resolve', () => {
    expect(() => labSecrets().resolve({ env: 'NOT_SET_ANYWHERE' }, 'agent.auth.password')).toThrow('agent.auth.password: the environment variable NOT_SET_ANYWHERE is not set');
    expect(() => labSecrets().resolve({ file: 'no/such/file' }, 'postgres.authentication.superuser.password')).toThrow(/cannot read the secret file .*no\/such\/file \(ENOENT\)/);
  });
});
