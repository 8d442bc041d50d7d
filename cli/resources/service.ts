// A systemd service: enabled at boot or not, running or not.
import { commandFailed, mustRun, type ApplyContext, type ResourceHandler } from './resource-handler.js';
import type { ServiceAction, ServiceResource } from './desired-resource.js';

export interface ObservedService {
  /** `systemctl is-enabled`: enabled, disabled, static, masked, or not-found. */
  enabled: string;
  /** `systemctl is-active`: active, inactive, failed, activating... */
  active: string;
  /** Of the files it reads only at start, those changed after its process started. */
  changedSinceStart?: string[];
}

/**
 * The files whose modification time (`stat -c '%n %.9Y'`) is later than the process start
 * (`systemctl show --timestamp=us+utc -p ExecMainStartTimestamp --value`); none when it does not run.
 */
export function changedSinceStart(startTimestamp: string, fileTimes: string): string[] {
  const start = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? UTC$/.exec(startTimestamp.trim());
  if (!start) return [];
  const startedAt = Date.parse(`${start[1]}T${start[2]}Z`) / 1000 + Number(start[3] ?? 0);
  return fileTimes
    .split('\n')
    .map((line) => /^(\S+) (\d+(?:\.\d+)?)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null && Number(match[2]) > startedAt)
    .map((match) => match[1]!);
}

/** systemctl's exit status for a unit it does not know: nothing runs that a change could touch. */
const UNIT_NOT_FOUND = 5;

/** Restarts or reloads a service after a change to what it reads; a unit not installed yet is left alone. */
/** timeout(1)'s exit status when the command ran out of time. */
const TIMED_OUT = 124;

export async function runServiceAction(context: ApplyContext, host: string, action: ServiceAction): Promise<void> {
  const argv = [...(action.timeoutSeconds ? ['timeout', String(action.timeoutSeconds)] : []), 'systemctl', action.verb, ...(action.noBlock ? ['--no-block'] : []), action.unit];
  const result = await context.transport(host).run(argv);
  if (result.exitCode === TIMED_OUT && action.timeoutSeconds) throw new Error(`${host}: systemctl ${action.verb} ${action.unit} did not finish within ${action.timeoutSeconds} s`);
  if (result.exitCode !== 0 && result.exitCode !== UNIT_NOT_FOUND) throw commandFailed(host, `systemctl ${action.verb} ${action.unit}`, result);
}

/** A unit as a host runs it, as data: whether it is enabled and active, and systemctl's words for both. */
export function serviceValues(unit: string, observed: Pick<ObservedService, 'enabled' | 'active'>): Record<string, unknown> {
  return { unit, enabled: observed.enabled === 'enabled', active: observed.active === 'active', is_enabled: observed.enabled, is_active: observed.active };
}

export const serviceHandler: ResourceHandler<ServiceResource, ObservedService> = {
  async read(resource, context) {
    const transport = context.transport(resource.host);
    const paths = resource.readsAtStart ?? [];
    const [enabled, active, started, fileTimes] = await Promise.all([
      transport.query(['systemctl', 'is-enabled', resource.unit]),
      transport.query(['systemctl', 'is-active', resource.unit]),
      paths.length > 0 ? transport.query(['systemctl', 'show', '--timestamp=us+utc', '-p', 'ExecMainStartTimestamp', '--value', resource.unit]) : undefined,
      paths.length > 0 ? transport.query(['stat', '-c', '%n %.9Y', ...paths]) : undefined,
    ]);
    const observed: ObservedService = { enabled: enabled.stdout.trim() || 'not-found', active: active.stdout.trim() || 'unknown' };
    if (started && fileTimes && observed.active === 'active') observed.changedSinceStart = changedSinceStart(started.stdout, fileTimes.stdout);
    return observed;
  },

  diff(resource, observed) {
    const values = { before: observed.enabled === 'not-found' ? null : serviceValues(resource.unit, observed), after: { unit: resource.unit, enabled: resource.enabled, active: resource.active } };
    // A unit that is not there yet comes with a package in the same apply, which may enable and start it.
    if (observed.enabled === 'not-found' && !resource.enabled) return { action: 'update', details: ['disable and stop once its package installs it'], values };
    const details: string[] = [];
    const isEnabled = observed.enabled === 'enabled';
    if (resource.enabled && !isEnabled) details.push('enable');
    if (!resource.enabled && isEnabled) details.push('disable');
    const isActive = observed.active === 'active';
    if (resource.active && !isActive) details.push('start');
    if (!resource.active && isActive) details.push('stop');
    if (details.length === 0) return undefined;
    return { action: observed.enabled === 'not-found' && resource.enabled ? 'create' : 'update', details, values };
  },

  async apply(resource, _observed, context) {
    const transport = context.transport(resource.host);
    const { unit } = resource;
    const verb = resource.enabled ? 'enable' : 'disable';
    await mustRun(transport, ['systemctl', verb, unit], `systemctl ${verb} ${unit}`);
    if (!resource.active) await mustRun(transport, ['systemctl', 'stop', unit], `systemctl stop ${unit}`);
    else await mustRun(transport, ['systemctl', 'start', ...(resource.noBlock ? ['--no-block'] : []), unit], `systemctl start ${unit}`);
    return undefined;
  },
};
