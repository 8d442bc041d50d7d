// Issue 10's leak shapes, through everything `pgha plan` prints and saves: the human plan, its
// remarks on stderr, `--json` and the file of `-out`. A plan must not depend on a secret's value
// at all, so besides grepping for the secret, each test renders the same plan with another value
// and expects the same output, digests aside.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { showPlan } from '../../../cli/commands/plan.js';
import { Secrets } from '../../../cli/desired/secrets.js';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import { digester } from '../../../cli/engine/digest.js';
import type { DesiredResource, FileResource } from '../../../cli/resources/desired-resource.js';
import { fileHandler } from '../../../cli/resources/file.js';
import { projectPath } from '../../helpers/paths.js';
import { recordingIo } from '../../helpers/recording-io.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { bareObserved, convergedObserved, labDesired, labSpec, LAB_PLAN_HEADER, SECRET_VALUES, TEST_DIGEST } from './lab-desired.js';

const LONG = 'zebra quartz violin nebula walnut harbor pepper lantern cobalt meadow falcon juniper tundra';

type Secretish = Partial<Record<keyof typeof SECRET_VALUES, string>>;
type Observe = (resource: DesiredResource, old: DesiredResource | undefined) => unknown;

const dir = useTempDir('pgha-leaks-');

const secretsWith = (values: Secretish): Secrets => new Secrets({ specDirectory: projectPath('inventories/lab'), env: { ...SECRET_VALUES, ...values } });

/** Bare hosts: every file is new. */
const bare: Observe = (r) => bareObserved(r);

/** Hosts that hold the files as rendered with the old secrets, and one hand edit beside the superuser's password. */
const withOldSecrets: Observe = (r, old) => {
  if (r.kind === 'postgres_role') return { state: 'present', attributes: r.attributes, password: 'differs' };
  if (r.kind !== 'file' || old?.kind !== 'file') return convergedObserved(r);
  return { content: old.content.replace('  superuser:\n', '  superuser: # edited by hand\n'), mode: r.mode, owner: r.owner, group: r.group };
};

/** What `pgha plan`, `pgha plan --json` and `pgha plan -out FILE` print and save with these secret values. */
async function planOutputs(values: Secretish, observe: Observe, oldValues: Secretish = {}) {
  const desired = labDesired(labSpec(), secretsWith(values)).resources;
  const old = new Map(labDesired(labSpec(), secretsWith(oldValues)).resources.map((r) => [r.id, r]));
  const observed = new Map(desired.map((r) => [r.id, observe(r, old.get(r.id))]));
  const plan = buildPlan(LAB_PLAN_HEADER, desired, observed, TEST_DIGEST.of);
  const human = recordingIo();
  await showPlan(human, plan, { format: 'text' });
  const file = join(dir(), `${Math.random().toString(36).slice(2)}.plan`);
  const json = recordingIo();
  await showPlan(json, plan, { format: 'json', out: file });
  const saved = await readFile(file, 'utf8');
  const all = [human.stdout, human.stderr, json.stdout, json.stderr.replaceAll(file, 'FILE'), saved].join('\n');
  const withoutDigests = (text: string): string => text.replace(/"[0-9a-f]{64}"/g, '"DIGEST"');
  return { plan, all, same: withoutDigests(all), human: human.stdout };
}

function expectAbsent(text: string, secret: string): void {
  expect(text.split(secret).length - 1, `occurrences of ${JSON.stringify(secret)}`).toBe(0);
}

describe('secrets never leave a plan', () => {
  it('masks a superuser password with spaces longer than 80 characters, however YAML folds it', async () => {
    expect(LONG.length).toBeGreaterThan(80);
    for (const observe of [bare, withOldSecrets]) {
      const { all, same, human } = await planOutputs({ PGHA_SUPERUSER: LONG }, observe, { PGHA_SUPERUSER: `${LONG} but older and longer still` });
      expectAbsent(all, LONG);
      for (const word of LONG.split(' ')) expectAbsent(all, word);
      expect(human).toContain('password: (sensitive)');
      expect(same).toBe((await planOutputs({ PGHA_SUPERUSER: 'Another-Value-1' }, observe, { PGHA_SUPERUSER: 'Old-Value-2' })).same);
    }
  });

  it('shows the lines around a secret a host holds, masking only the secret, even an old one on two lines', async () => {
    const twoLines: Observe = (r, old) => {
      const observed = withOldSecrets(r, old) as { content: string } | undefined;
      if (!observed || r.kind !== 'file' || !r.path.endsWith('agent.yaml')) return observed;
      return { ...observed, content: observed.content.replace(/(superuser: # edited by hand\n\s+username: postgres\n\s+)password: \S+\n/, '$1password: |\n        first-old-line-Qx\n        second-old-line-Qx\n') };
    };
    const { all, human } = await planOutputs({}, twoLines);
    expect(human).toMatch(/\n {8} {5}superuser:\n {8}- {6}# edited by hand\n {8} {7}username: postgres\n {8} {7}password: \(sensitive\)\n/);
    for (const secret of ['first-old-line-Qx', 'second-old-line-Qx', ...Object.values(SECRET_VALUES)]) expectAbsent(all, secret);
  });

  it('refuses a secret file of two lines with a sentence naming the field and the file, never its lines', async () => {
    await writeFile(join(dir(), 'two-lines'), 'first-line-Zk\nsecond-line-Zk\n');
    const secrets = new Secrets({ specDirectory: dir(), env: SECRET_VALUES });
    const spec = labSpec((text) => text.replace('{ env: PGHA_SUPERUSER }', `{ file: ${join(dir(), 'two-lines')} }`));
    let message = '';
    try {
      labDesired(spec, secrets);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`postgres.authentication.superuser.password: the secret in the file ${join(dir(), 'two-lines')} holds a line break; a secret is one line (a file may end with one newline)`);
  });

  it('masks a short common word used as the password, and nothing else: not the username, not the unit\'s User=', async () => {
    for (const observe of [bare, withOldSecrets]) {
      const short = await planOutputs({ PGHA_SUPERUSER: 'postgres' }, observe, { PGHA_SUPERUSER: 'postgres1' });
      expect(short.same).toBe((await planOutputs({ PGHA_SUPERUSER: 'Zq-other-secret-9' }, observe, { PGHA_SUPERUSER: 'Zq-older-secret-8' })).same);
      if (observe === bare) {
        expect(short.human).toContain('User=postgres');
        expect(short.human).toMatch(/superuser:\n\s+\+\s+username: postgres\n\s+\+\s+password: \(sensitive\)\n/);
        // The files' diffs mask exactly the secrets of each agent.yaml.
        const placed = labDesired(labSpec(), secretsWith({})).resources.flatMap((r) => (r.kind === 'file' ? (r.secretPaths ?? []) : []));
        expect(placed.length).toBeGreaterThanOrEqual(3 * 4);
        expect(short.plan.changes.map((c) => c.diff ?? '').join('\n').split('(sensitive)').length - 1).toBe(placed.length);
      }
    }
  });

  it('shows a role password only as (sensitive), whatever it is', async () => {
    for (const observe of [bare, withOldSecrets]) {
      const { all, same, plan } = await planOutputs({ PGHA_APP: 'Role-Password-Kq3' }, observe);
      const role = plan.changes.find((c) => c.kind === 'postgres_role')!;
      expect(role.details.filter((d) => d.includes('password'))).toEqual([observe === bare ? 'password (sensitive)' : "password: not the spec's (sensitive)"]);
      expectAbsent(all, 'Role-Password-Kq3');
      expect(same).toBe((await planOutputs({ PGHA_APP: 'app' }, observe)).same);
      expect(same).toBe((await planOutputs({ PGHA_APP: 'Other-App-7' }, observe)).same);
    }
  });
});

describe('private keys', () => {
  it('are never shown, not even one a host holds where the spec wants another file', () => {
    const unit = labDesired().resources.find((r): r is FileResource => r.kind === 'file' && r.path.endsWith('pgha-agent.service'))!;
    const key = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKeyMaterial-Zz\n-----END PRIVATE KEY-----\n';
    const change = fileHandler.diff(unit, { content: key, mode: '644', owner: 'root', group: 'root' });
    expect(change).toMatchObject({ action: 'update', details: ['content changed (sensitive)'], values: { before: { sha256: null, sensitive: true }, after: { sensitive: false } } });
    expect(JSON.stringify(change)).not.toContain('KeyMaterial');
  });
});

describe('the digests of a saved plan', () => {
  it('cannot be reproduced from a guessed password without the key', async () => {
    const guess = 'Winter2026!';
    const { plan } = await planOutputs({ PGHA_APP: guess }, bare);
    const saved = plan.changes.find((c) => c.kind === 'postgres_role')!.desired_digest;
    const role = labDesired(labSpec(), secretsWith({ PGHA_APP: guess })).resources.find((r) => r.kind === 'postgres_role')!;
    const text = JSON.stringify(role);
    // The guess is right, and the resource is exactly the one digested: only the key reproduces it.
    expect(TEST_DIGEST.of(role)).toBe(saved);
    expect(createHash('sha256').update(text).digest('hex')).not.toBe(saved);
    expect(digester(Buffer.alloc(32, 8)).of(role)).not.toBe(saved);
    expect(digester(Buffer.alloc(0)).of(role)).not.toBe(saved);
  });
});
