// Settings the schemas accept but this version does not honour yet. Until it does, `pgha
// validate`, the agent's configuration check and PATCH/PUT /config refuse each with its sentence
// rather than run without it; the work that makes a setting work removes its entry.
import { displayPath, type DocPath } from './document/doc-path.js';
import { parseLenientBool } from './lenient-bool.js';

export interface UnsupportedSetting {
  /** Its path in the dynamic configuration, which the spec's `dcs` and the agent's `bootstrap.dcs` hold too. */
  dcs?: DocPath;
  /** Its path in the agent's configuration file. */
  agent?: DocPath;
  /** Its path in the cluster spec; `'*'` stands for every item of a list. */
  spec?: DocPath;
  /** Whether a written value asks for what is not supported; the schema's default never does. */
  refuses(value: unknown): boolean;
  /** What is not supported yet and what to write instead: the sentence after "<path>: ". */
  reason: string;
}

const isTrue = (value: unknown): boolean => parseLenientBool(value) === true;
const isNotEmpty = (value: unknown): boolean => typeof value === 'object' && value !== null && Object.keys(value).length > 0;
/** For a setting refused whatever its value: valuesAt yields only the values that are written. */
const isWritten = (): boolean => true;

/** Compared as text: another tool may have written `"1"` for 1 into the `config` key. */
function differsFrom(fallback: number): (value: unknown) => boolean {
  return (value) => String(value) !== String(fallback);
}

export const UNSUPPORTED_SETTINGS: readonly UnsupportedSetting[] = [
  {
    dcs: ['primary_stop_timeout'],
    refuses: differsFrom(0),
    reason: 'a time limit on stopping a primary in synchronous mode is not supported by this version of pgha yet; remove it or set it to 0',
  },
  { dcs: ['max_timelines_history'], refuses: differsFrom(0), reason: 'trimming the history key is not supported by this version of pgha yet; remove it or set it to 0' },
  { dcs: ['slots'], refuses: isNotEmpty, reason: 'permanent replication slots are not supported by this version of pgha yet; remove them' },
  {
    dcs: ['ignore_slots'],
    refuses: isNotEmpty,
    reason: "sparing slots from the agent is not supported by this version of pgha yet (the primary drops every inactive physical slot that is not a member's); remove it",
  },
  { dcs: ['standby_cluster'], refuses: isNotEmpty, reason: 'standby clusters are not supported by this version of pgha yet; remove it' },
  {
    dcs: ['postgresql', 'use_slots'],
    refuses: (v) => parseLenientBool(v) === false,
    reason: 'replication without a slot per member is not supported by this version of pgha yet; remove it or set it to true',
  },
  { dcs: ['postgresql', 'pg_ident'], refuses: isNotEmpty, reason: 'pg_ident.conf lines are not supported by this version of pgha yet; remove them' },
  { dcs: ['postgresql', 'recovery_conf'], refuses: isNotEmpty, reason: 'extra recovery settings are not supported by this version of pgha yet; remove them' },
  {
    agent: ['tags', 'replicatefrom'],
    spec: ['hosts', '*', 'tags', 'replicatefrom'],
    refuses: isWritten,
    reason: 'cascading replication is not supported by this version of pgha yet; remove it',
  },
  {
    agent: ['tags', 'nostream'],
    spec: ['hosts', '*', 'tags', 'nostream'],
    refuses: isTrue,
    reason: 'replicas that restore from the WAL archive without streaming are not supported by this version of pgha yet; remove it or set it to false',
  },
];

export type SettingsDocument = 'dcs' | 'agent' | 'spec';

const PLACES: Readonly<Record<SettingsDocument, (setting: UnsupportedSetting) => DocPath | undefined>> = {
  dcs: (setting) => setting.dcs,
  agent: (setting) => setting.agent ?? (setting.dcs && ['bootstrap', 'dcs', ...setting.dcs]),
  spec: (setting) => setting.spec ?? (setting.dcs && ['dcs', ...setting.dcs]),
};

export interface UnsupportedFinding {
  path: DocPath;
  /** `<path>: <reason>`, e.g. "dcs.failsafe_mode: failsafe mode is not supported ...". */
  message: string;
}

/** Every written value under `pattern` (with `'*'` for each item of a list), at its own path. */
function valuesAt(node: unknown, pattern: DocPath, at: DocPath = []): { path: DocPath; value: unknown }[] {
  if (node === undefined || node === null) return [];
  const [head, ...rest] = pattern;
  if (head === undefined) return [{ path: at, value: node }];
  if (typeof node !== 'object') return [];
  if (head === '*') return Array.isArray(node) ? node.flatMap((item, i) => valuesAt(item, rest, [...at, i])) : [];
  return Object.hasOwn(node, head) ? valuesAt((node as Record<string | number, unknown>)[head], rest, [...at, head]) : [];
}

/** The settings of `document` (a dynamic configuration, an agent configuration or a cluster spec) this version refuses. */
export function unsupportedSettingsIn(document: unknown, kind: SettingsDocument): UnsupportedFinding[] {
  return UNSUPPORTED_SETTINGS.flatMap((setting) => {
    const pattern = PLACES[kind](setting);
    if (!pattern) return [];
    return valuesAt(document, pattern)
      .filter(({ value }) => setting.refuses(value))
      .map(({ path }) => ({ path, message: `${displayPath(path)}: ${setting.reason}` }));
  });
}

/**
 * The sentences for a live `config` key, which another tool (patronictl edit-config, etcdctl)
 * may have written without asking any agent: the HA loop must not silently run without them.
 */
export function unsupportedDynamicSettings(config: Record<string, unknown>): string[] {
  return unsupportedSettingsIn(config, 'dcs').map((finding) => finding.message);
}
