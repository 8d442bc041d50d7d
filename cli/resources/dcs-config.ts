// The cluster's dynamic configuration in etcd: diffed key by key against the spec's `dcs`
// section, changed with one PATCH /config to the leader (removals as nulls), conditional on the
// revision the plan read. A new cluster gets it as the agents' bootstrap config instead.
import { isDeepStrictEqual } from 'node:util';
import { parseLenientBool } from '../../agent/contract/lenient-bool.js';
import { RESTART_PARAMETERS } from '../../agent/contract/restart-parameters.js';
import type { LiveConfig } from '../transport/cluster-access.js';
import type { ResourceHandler } from './resource-handler.js';
import type { DcsConfigResource } from './desired-resource.js';

export type ObservedDcsConfig = { state: 'unreachable' } | { state: 'absent' } | ({ state: 'present' } & LiveConfig);

type Path = string[];

export interface KeyChange {
  path: Path;
  before?: unknown;
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leaves(value: Record<string, unknown>, prefix: Path = []): [Path, unknown][] {
  return Object.entries(value).flatMap(([key, inner]): [Path, unknown][] =>
    isObject(inner) && Object.keys(inner).length > 0 ? leaves(inner, [...prefix, key]) : [[[...prefix, key], inner]],
  );
}

/** Keys an operator sets (`pgha pause`, patronictl), which the spec does not own: a plan never puts them back. */
const OPERATOR_KEYS: ReadonlySet<string> = new Set(['pause']);

/** Whether the live config has the cluster paused (maintenance mode), read as leniently as the agents read it. */
export function isPaused(live: Record<string, unknown>): boolean {
  return parseLenientBool(live.pause) === true;
}

/** Key-level differences; a key whose value is null counts as absent, as in PATCH /config. */
export function configChanges(live: Record<string, unknown>, desired: Record<string, unknown>): KeyChange[] {
  const owned = Object.fromEntries(Object.entries(live).filter(([key]) => !OPERATOR_KEYS.has(key)));
  const before = new Map(leaves(owned).filter(([, v]) => v !== null).map(([p, v]) => [JSON.stringify(p), v]));
  const after = new Map(leaves(desired).filter(([, v]) => v !== null).map(([p, v]) => [JSON.stringify(p), v]));
  const changes: KeyChange[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) changes.push({ path: JSON.parse(key) as Path, after: value });
    else if (!isDeepStrictEqual(before.get(key), value)) changes.push({ path: JSON.parse(key) as Path, before: before.get(key), after: value });
  }
  for (const [key, value] of before) if (!after.has(key)) changes.push({ path: JSON.parse(key) as Path, before: value });
  return changes.sort((a, b) => a.path.join('.').localeCompare(b.path.join('.')));
}

/** The PATCH body: changed and added keys with their values, removed ones as null. */
export function patchBody(changes: readonly KeyChange[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const change of changes) {
    let node = body;
    for (const key of change.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[change.path[change.path.length - 1] as string] = change.after === undefined ? null : change.after;
  }
  return body;
}

function restartParameter(path: Path): string | undefined {
  const [section, group, name] = path;
  return section === 'postgresql' && group === 'parameters' && name !== undefined && RESTART_PARAMETERS.has(name) ? name : undefined;
}

function changeLine(change: KeyChange, live = true): string {
  const key = change.path.join('.');
  const show = (value: unknown): string => JSON.stringify(value);
  const restart = live && restartParameter(change.path) ? ' (needs a PostgreSQL restart)' : '';
  if (change.before === undefined) return `+ ${key} = ${show(change.after)}${restart}`;
  if (change.after === undefined) return `- ${key} (was ${show(change.before)})${restart}`;
  return `~ ${key}: ${show(change.before)} → ${show(change.after)}${restart}`;
}

export const dcsConfigHandler: ResourceHandler<DcsConfigResource, ObservedDcsConfig> = {
  async read(_resource, context) {
    const live = await context.cluster.dcsConfig();
    if (live === 'unreachable') return { state: 'unreachable' };
    return live === null ? { state: 'absent' } : { state: 'present', ...live };
  },

  notice: (_resource, observed) =>
    observed.state === 'present' && isPaused(observed.value)
      ? 'the cluster is paused (maintenance mode): its agents neither fail over nor restart PostgreSQL until "pgha resume"; apply leaves the pause as it is'
      : undefined,

  diff(resource, observed) {
    const desired = resource.config as unknown as Record<string, unknown>;
    if (observed.state !== 'present') {
      return {
        action: 'create',
        details: ['written by the first agent from its bootstrap config', ...configChanges({}, desired).map((c) => changeLine(c, false))],
        values: { before: null, after: desired },
      };
    }
    const changes = configChanges(observed.value, desired);
    if (changes.length === 0) return undefined;
    const restartNeeded = changes.map((c) => restartParameter(c.path)).filter((name): name is string => name !== undefined);
    const before = Object.fromEntries(Object.entries(observed.value).filter(([key]) => !OPERATOR_KEYS.has(key)));
    return { action: 'update', details: changes.map((c) => changeLine(c)), ...(restartNeeded.length > 0 && { restartNeeded }), values: { before, after: desired } };
  },

  async apply(resource, observed, context) {
    const live = await context.cluster.dcsConfig();
    if (live === 'unreachable' || live === null) throw new Error('the cluster has no DCS config yet: its agents have not bootstrapped it');
    const changes = configChanges(live.value, resource.config as unknown as Record<string, unknown>);
    if (changes.length === 0) return undefined;
    // A new cluster's config was written by its agents during this run, so the plan saw none.
    await context.cluster.patchConfig(patchBody(changes), observed.state === 'present' ? observed.revision : live.revision);
    return `PATCH /config: ${changes.map((c) => c.path.join('.')).join(', ')}`;
  },
};
