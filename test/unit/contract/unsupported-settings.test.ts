// Every setting this version does not honour yet is refused wherever it can be written (the
// cluster spec, the agent's file, the dynamic configuration), and its allowed value is not.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkAgentConfig } from '../../../agent/contract/agent-config.js';
import type { Diagnostic } from '../../../agent/contract/document/diagnostic.js';
import { displayPath, type DocPath } from '../../../agent/contract/document/doc-path.js';
import { UNSUPPORTED_SETTINGS, unsupportedDynamicSettings, type UnsupportedSetting } from '../../../agent/contract/unsupported-settings.js';
import { checkSpec } from '../../../cli/spec/check-spec.js';
import { ExitCode } from '../../../cli/exit-codes.js';
import { runCli } from '../../../cli/run-cli.js';
import { projectPath } from '../../helpers/paths.js';
import { recordingIo } from '../../helpers/recording-io.js';

interface Case {
  refused: unknown[];
  /** Accepted; absent when only leaving the setting out is. */
  allowed?: unknown;
}

const CASES: Readonly<Record<string, Case>> = {
  primary_stop_timeout: { refused: [30], allowed: 0 },
  max_timelines_history: { refused: [10], allowed: 0 },
  slots: { refused: [{ reporting: { type: 'logical', database: 'shop', plugin: 'pgoutput' } }], allowed: {} },
  ignore_slots: { refused: [[{ name: 'keep_me' }]], allowed: [] },
  standby_cluster: { refused: [{ host: '10.9.0.1', port: 5432 }], allowed: {} },
  'postgresql.use_slots': { refused: [false], allowed: true },
  'postgresql.pg_ident': { refused: [['map1 alice postgres']], allowed: [] },
  'postgresql.recovery_conf': { refused: [{ recovery_min_apply_delay: '5min' }], allowed: {} },
  'tags.replicatefrom': { refused: ['db1'] },
  'tags.nostream': { refused: [true], allowed: false },
};

const label = (setting: UnsupportedSetting): string => (setting.dcs ?? setting.agent ?? setting.spec ?? []).join('.');
const caseOf = (setting: UnsupportedSetting): Case => CASES[label(setting)]!;

/** The text with `value` written at `path`; a `'*'` in it picks the second item of the list. */
function written(text: string, path: DocPath, value: unknown): { text: string; path: DocPath } {
  const concrete = path.map((segment) => (segment === '*' ? 1 : segment));
  const document = parseDocument(text);
  document.setIn(concrete, value);
  return { text: document.toString(), path: concrete };
}

/** One error naming the setting, in one sentence, pointing at its key. */
function expectRefusal(text: string, diagnostics: readonly Diagnostic[], path: DocPath): void {
  const found = diagnostics.filter((d) => d.rule === 'unsupported');
  expect(found).toHaveLength(1);
  const [refusal] = found as [Diagnostic];
  expect(refusal.severity).toBe('error');
  expect(refusal.message.startsWith(`${displayPath(path)}: `)).toBe(true);
  expect(refusal.message).toMatch(/ (is|are) not supported by this version of pgha yet[^.]*; [^.]+$/);
  expect(text.split('\n')[refusal.line - 1]?.slice(refusal.column - 1).startsWith(String(path.at(-1)))).toBe(true);
}

interface FileKind {
  name: string;
  text: string;
  /** Where a setting is written in this kind of file, if it can be. */
  place(setting: UnsupportedSetting): DocPath | undefined;
  check(text: string): { accepted: boolean; diagnostics: Diagnostic[] };
}

/** A dynamic setting is written in a file under `prefix`. */
const underDcs = (setting: UnsupportedSetting, prefix: DocPath): DocPath | undefined => (setting.dcs ? [...prefix, ...setting.dcs] : undefined);

const FILE_KINDS: readonly FileKind[] = [
  {
    name: 'a cluster spec (pgha validate)',
    text: readFileSync(projectPath('test/fixtures/specs/good/minimal.yaml'), 'utf8'),
    place: (setting) => setting.spec ?? underDcs(setting, ['dcs']),
    check: (text) => {
      const { spec, diagnostics } = checkSpec(text);
      return { accepted: spec !== undefined, diagnostics };
    },
  },
  {
    name: "the agent's configuration (pgha-agent --validate-config and --config)",
    text: readFileSync(projectPath('test/fixtures/agent/valid.yaml'), 'utf8'),
    place: (setting) => setting.agent ?? underDcs(setting, ['bootstrap', 'dcs']),
    check: (text) => {
      const { config, diagnostics } = checkAgentConfig(text);
      return { accepted: config !== undefined, diagnostics };
    },
  },
];

const inDcs = UNSUPPORTED_SETTINGS.flatMap((s) => (s.dcs ? [[label(s), s] as const] : []));

describe('settings not supported yet', () => {
  it('has a test case for every entry of the table', () => {
    expect(UNSUPPORTED_SETTINGS.map(label).sort()).toEqual(Object.keys(CASES).sort());
  });

  describe.each(FILE_KINDS)('in $name', (kind) => {
    const settings = UNSUPPORTED_SETTINGS.flatMap((s) => (kind.place(s) ? [[label(s), s] as const] : []));

    it.each(settings)('refuses %s', (_label, setting) => {
      for (const value of caseOf(setting).refused) {
        const file = written(kind.text, kind.place(setting)!, value);
        const result = kind.check(file.text);
        expect(result.accepted).toBe(false);
        expectRefusal(file.text, result.diagnostics, file.path);
      }
    });

    it.each(settings.filter(([, s]) => 'allowed' in caseOf(s)))('accepts the supported value of %s', (_label, setting) => {
      expect(kind.check(written(kind.text, kind.place(setting)!, caseOf(setting).allowed).text)).toEqual({ accepted: true, diagnostics: [] });
    });
  });

  it('makes pgha validate exit 1 with FILE:LINE:COL: sentence [unsupported]', async () => {
    const file = projectPath('test/fixtures/specs/bad/unsupported-cluster-settings.yaml');
    const io = recordingIo();
    expect(await runCli(['validate', file], io)).toBe(ExitCode.failed);
    expect(io.stderr).toContain(`${file}:8:79: hosts[1].tags.nostream: replicas that restore from the WAL archive without streaming are not supported by this version of pgha yet; remove it or set it to false [unsupported]\n`);
    expect(io.stdout).toBe('');
  });

  describe('in a dynamic configuration (PATCH /config, PUT /config, the live config key)', () => {
    it.each(inDcs)('refuses %s, naming it without a prefix', (_label, setting) => {
      for (const value of caseOf(setting).refused) {
        const config = parseDocument('{}');
        config.setIn(setting.dcs!, value);
        expect(unsupportedDynamicSettings(config.toJS() as Record<string, unknown>)).toEqual([`${displayPath(setting.dcs!)}: ${setting.reason}`]);
      }
    });

    it.each(inDcs.filter(([, s]) => 'allowed' in caseOf(s)))('accepts the supported value of %s', (_label, setting) => {
      const config = parseDocument('{}');
      config.setIn(setting.dcs!, caseOf(setting).allowed);
      expect(unsupportedDynamicSettings(config.toJS() as Record<string, unknown>)).toEqual([]);
    });

    it('reads values written by other tools as leniently as the agent does', () => {
      expect(unsupportedDynamicSettings({ primary_stop_timeout: '30', max_timelines_history: '10', postgresql: { use_slots: 'off' } })).toEqual([
        'primary_stop_timeout: a time limit on stopping a primary in synchronous mode is not supported by this version of pgha yet; remove it or set it to 0',
        'max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0',
        'postgresql.use_slots: replication without a slot per member is not supported by this version of pgha yet; remove it or set it to true',
      ]);
      expect(unsupportedDynamicSettings({ ttl: 30, standby_cluster: null, slots: {}, postgresql: { parameters: { work_mem: '8MB' } } })).toEqual([]);
    });
  });
});

describe('settings honoured since they were refused', () => {
  it('accepts etcd.auth (the root password pgha uses) in a spec, and the agents its etcd user', () => {
    const spec = readFileSync(projectPath('inventories/lab/cluster.yaml'), 'utf8');
    const { text } = written(spec, ['etcd', 'auth'], { username: 'root', password: { env: 'ETCD_ROOT_PASSWORD' } });
    expect(checkSpec(text).diagnostics.filter((d) => d.rule === 'unsupported')).toEqual([]);
    expect(UNSUPPORTED_SETTINGS.some((setting) => setting.spec?.join('.') === 'etcd.auth' || setting.agent?.join('.').startsWith('etcd.'))).toBe(false);
  });
});
