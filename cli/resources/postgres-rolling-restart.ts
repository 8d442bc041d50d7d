// PostgreSQL restarted on every member when a setting it reads only at server start changes in
// the DCS config (or already waits for a restart on some member): one planned change,
// "postgres rolling restart (max_connections)", carried out member by member with one
// switchover (see cli/restart). A new cluster starts with the spec's settings, so it needs none.
import { isDeepStrictEqual } from 'node:util';
import { HOT_STANDBY_MINIMUMS } from '../../agent/contract/protected-parameters.js';
import { RESTART_PARAMETERS } from '../../agent/contract/restart-parameters.js';
import { loweredMinimums } from '../restart/restart-order.js';
import { restartPostgres } from '../restart/postgres-restart.js';
import { isPaused } from './dcs-config.js';
import type { PostgresRollingRestartResource } from './desired-resource.js';
import type { ResourceHandler } from './resource-handler.js';

type Reasons = Record<string, { old_value: string; new_value: string }>;

export type ObservedPostgresRestart =
  | { state: 'unreachable' }
  | { state: 'absent' }
  | {
      state: 'present';
      paused: boolean;
      /** The live DCS config's postgresql.parameters that PostgreSQL reads only at server start. */
      parameters: Record<string, unknown>;
      /** Each member's settings waiting for a restart, as its GET /patroni reports them. */
      pending: Record<string, Reasons>;
    };

/** How long the agents may take to write a PATCHed setting and reload PostgreSQL: a few HA cycles. */
export const takeUpMs = (resource: PostgresRollingRestartResource): number => (3 * (resource.config.loop_wait ?? 10) + 10) * 1000;

export function restartParameters(parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters ?? {}).filter(([name, value]) => RESTART_PARAMETERS.has(name) && value !== null));
}

interface ParameterChange {
  before: unknown;
  after: unknown;
}

const wantedParameters = (resource: PostgresRollingRestartResource): Record<string, unknown> => restartParameters(resource.config.postgresql?.parameters as Record<string, unknown> | undefined);

/** The restart-only settings the spec changes, with their live and wanted values (undefined: PostgreSQL's default). */
export function changedParameters(resource: PostgresRollingRestartResource, live: Record<string, unknown>): Map<string, ParameterChange> {
  const wanted = wantedParameters(resource);
  const names = [...new Set([...Object.keys(wanted), ...Object.keys(live)])].sort();
  return new Map(names.filter((name) => !isDeepStrictEqual(wanted[name], live[name])).map((name) => [name, { before: live[name], after: wanted[name] }]));
}

const shown = (value: unknown): string => (value === undefined ? '(default)' : typeof value === 'string' ? value : JSON.stringify(value));
/** A value as PostgreSQL would report it, its default where the config has none. */
const effective = (name: string, value: unknown): string => (value === undefined && name in HOT_STANDBY_MINIMUMS ? String(HOT_STANDBY_MINIMUMS[name]) : shown(value));

function orderLines(lowered: readonly string[]): string[] {
  if (lowered.length > 0) {
    return [
      `${lowered.join(', ')} lowers a setting a hot standby must hold at least as high as its primary: the leader restarts first, where it runs, then the replicas one at a time`,
      "expected write interruption: one restart of the leader's PostgreSQL",
    ];
  }
  return [
    'on every member, one at a time once the cluster is healthy: the replicas first, each until it streams again, then a switchover from the leader to the replica with the least lag (which restarts the old leader as a replica)',
    'expected write interruption: one switchover (about a second; "npm run bench:agent" measures it)',
  ];
}

export const postgresRollingRestartHandler: ResourceHandler<PostgresRollingRestartResource, ObservedPostgresRestart> = {
  async read(_resource, context) {
    const live = await context.cluster.dcsConfig();
    if (live === 'unreachable') return { state: 'unreachable' };
    if (live === null) return { state: 'absent' };
    const postgresql = live.value.postgresql as { parameters?: Record<string, unknown> } | undefined;
    const members = (await context.cluster.members()) ?? [];
    const pending: Record<string, Reasons> = {};
    for (const member of members) {
      const status = member.api_url ? ((await context.cluster.memberStatus(member.api_url)) as { pending_restart_reason?: Reasons } | undefined) : undefined;
      if (status?.pending_restart_reason && Object.keys(status.pending_restart_reason).length > 0) pending[member.name] = status.pending_restart_reason;
    }
    return {
      state: 'present',
      paused: isPaused(live.value),
      parameters: restartParameters(postgresql?.parameters),
      pending,
    };
  },

  diff(resource, observed) {
    if (observed.state !== 'present') return undefined;
    const changed = changedParameters(resource, observed.parameters);
    const waiting = Object.entries(observed.pending).sort(([a], [b]) => a.localeCompare(b));
    if (changed.size === 0 && waiting.length === 0) return undefined;
    const effectiveChanges = Object.fromEntries([...changed].map(([name, c]) => [name, { old_value: effective(name, c.before), new_value: effective(name, c.after) }]));
    const reasons: Reasons = Object.assign({}, ...waiting.map(([, r]) => r), effectiveChanges);
    const changes = [...changed].map(([name, { before, after }]) => `${name} ${shown(before)} → ${shown(after)}`);
    return {
      action: 'update',
      name: `(${Object.keys(reasons).sort().join(', ')})`,
      details: [
        ...(changes.length > 0 ? [`restart PostgreSQL for: ${changes.join(', ')}, once every member reports it waiting for a restart`] : []),
        ...waiting.map(([member, r]) => `${member} has ${Object.keys(r).sort().join(', ')} waiting for a restart`),
        ...orderLines(loweredMinimums(reasons)),
        ...(observed.paused ? ['the cluster is paused (maintenance mode): apply refuses to restart PostgreSQL unless run with --allow-paused-restart'] : []),
      ],
      values: {
        before: { parameters: observed.parameters, pending_restart: waiting.map(([member]) => member), paused: observed.paused },
        after: { parameters: wantedParameters(resource), pending_restart: [], paused: observed.paused },
      },
    };
  },

  async apply(resource, observed, context) {
    const changed = observed.state === 'present' ? [...changedParameters(resource, observed.parameters).keys()] : [];
    const lines = await restartPostgres(context.cluster, context, {
      pendingOnly: changed.length === 0,
      awaitParameters: changed,
      awaitMs: takeUpMs(resource),
      leaderInPlace: false,
    });
    return lines.map(({ member, outcome }) => `${member} ${outcome}`).join('; ');
  },
};
