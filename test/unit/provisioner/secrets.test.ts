import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedYaml, secretYaml } from '../../../cli/desired/secret-yaml.js';
import { Secrets } from '../../../cli/desired/secrets.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { labSecrets } from './lab-desired.js';

describe('secret references', () => {
  const dir = useTempDir('pgha-secrets-');
  const secrets = (): Secrets => new Secrets({ specDirectory: dir(), env: { EMPTY: '', BLANK: ' \t ', TWO_LINES: 'one\ntwo', GOOD: 'Good-1' } });

  beforeAll(async () => {
    await writeFile(join(dir(), 'ends-with-newline'), 'from-file-1\n');
    await writeFile(join(dir(), 'two-lines'), 'first-line-Secret\nsecond-line-Secret\n');
    await writeFile(join(dir(), 'two-newlines'), 'from-file-2\n\n');
    await writeFile(join(dir(), 'blank'), '   \n');
  });

  it('names the spec field and the source of a secret it cannot resolve', () => {
    expect(() => labSecrets().resolve({ env: 'NOT_SET_ANYWHERE' }, 'agent.auth.password')).toThrow('agent.auth.password: the environment variable NOT_SET_ANYWHERE is not set');
    expect(() => labSecrets().resolve({ file: 'no/such/file' }, 'postgres.authentication.superuser.password')).toThrow(/cannot read the secret file .*no\/such\/file \(ENOENT\)/);
  });

  it('strips the one newline that ends a secret file', () => {
    expect(secrets().resolve({ file: 'ends-with-newline' }, 'x.password')).toBe('from-file-1');
    expect(secrets().resolve({ env: 'GOOD' }, 'x.password')).toBe('Good-1');
  });

  it('refuses an empty or blank secret, and one with a line break, naming the field and the source but never the value', () => {
    expect(() => secrets().resolve({ env: 'EMPTY' }, 'agent.auth.password')).toThrow('agent.auth.password: the secret in the environment variable EMPTY is empty');
    expect(() => secrets().resolve({ env: 'BLANK' }, 'agent.auth.password')).toThrow('agent.auth.password: the secret in the environment variable BLANK is empty (only whitespace)');
    expect(() => secrets().resolve({ file: 'blank' }, 'agent.auth.password')).toThrow(`agent.auth.password: the secret in the file ${join(dir(), 'blank')} is empty (only whitespace)`);
    expect(() => secrets().resolve({ env: 'TWO_LINES' }, 'postgres.users.app.password')).toThrow(
      'postgres.users.app.password: the secret in the environment variable TWO_LINES holds a line break; a secret is one line (a file may end with one newline)',
    );
    for (const file of ['two-lines', 'two-newlines']) {
      let message = '';
      try {
        secrets().resolve({ file }, 'postgres.authentication.superuser.password');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(`postgres.authentication.superuser.password: the secret in the file ${join(dir(), file)} holds a line break; a secret is one line (a file may end with one newline)`);
    }
  });

  it('stands a placeholder in for a secret in a rendered document, which only this run can reveal', () => {
    const placeholder = secrets().placeholder({ env: 'GOOD' }, 'x.password');
    expect(placeholder).not.toContain('Good-1');
    expect(secrets().revealed(placeholder)).toBeUndefined();
    const own = secrets();
    expect(own.revealed(own.placeholder({ env: 'GOOD' }, 'x.password'))).toBe('Good-1');
    expect(own.revealed('Good-1')).toBeUndefined();
  });
});

describe('a YAML file with secrets', () => {
  const env = { LONG: `${'correct horse battery staple '.repeat(4)}and more`, SHORT: 'postgres' };
  const render = () => {
    const secrets = new Secrets({ specDirectory: '.', env });
    const document = {
      superuser: { username: 'postgres', password: secrets.placeholder({ env: 'SHORT' }, 'superuser.password') },
      list: [{ password: secrets.placeholder({ env: 'LONG' }, 'long.password') }],
      note: 'postgres runs as postgres',
    };
    return secretYaml('# header\n', document, secrets);
  };

  it('is written with the values, folded as YAML folds them, and knows where they are', () => {
    const { content, secretPaths } = render();
    expect(content).toMatch(/^# header\nsuperuser:\n {2}username: postgres\n {2}password: postgres\n/);
    expect(content).toContain('  - password: correct horse battery staple correct horse battery staple correct\n      horse battery');
    expect(secretPaths).toEqual([['superuser', 'password'], ['list', 0, 'password']]);
  });

  it('is shown with exactly the secret values masked, in any version of the file, and any older secret under a key of the same name', () => {
    const { content, secretPaths } = render();
    const expected = '# header\nsuperuser:\n  username: postgres\n  password: (sensitive)\nlist:\n  - password: (sensitive)\nnote: postgres runs as postgres\n';
    expect(maskedYaml(content, secretPaths)).toBe(expected);
    const old = content.replace('password: postgres', 'password: "an old\\nsecret on two lines"').replace('and more', 'and an old tail');
    expect(maskedYaml(old, secretPaths)).toBe(expected);
    expect(maskedYaml(`${content}rewind:\n  username: rewinder\n  password: gone-Secret-1\n`, secretPaths)).toBe(`${expected}rewind:\n  username: rewinder\n  password: (sensitive)\n`);
    expect(maskedYaml('superuser: [unclosed', secretPaths)).toBeUndefined();
  });
});
