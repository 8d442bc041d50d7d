// The softdog watchdog: loaded at boot with its timeout (soft_margin), and its device given to
// the postgres user, so the agent (not root) can arm it. The agent cannot set the timeout (no
// ioctl from Node.js), so the one written here is the one the agent must live with.
import { watchdogTimeout } from '../../agent/contract/timing.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';

export const SOFTDOG_FILES = {
  modulesLoad: '/etc/modules-load.d/pgha-softdog.conf',
  modprobe: '/etc/modprobe.d/pgha-softdog.conf',
  udevRule: '/etc/udev/rules.d/61-pgha-watchdog.rules',
} as const;

/** The spec's soft_margin, else the timeout the agent wants: ttl - safety_margin. */
export function softdogTimeout(spec: ClusterSpec): number {
  return spec.watchdog.soft_margin ?? watchdogTimeout(spec.dcs.ttl, spec.watchdog.safety_margin);
}

export function softdogFiles(softMargin: number): Record<keyof typeof SOFTDOG_FILES, string> {
  return {
    modulesLoad: '# Written by pgha apply: the watchdog that fences a hung primary.\nsoftdog\n',
    modprobe: `# Written by pgha apply.\noptions softdog soft_margin=${softMargin}\n`,
    udevRule: '# Written by pgha apply: the agent runs as postgres and arms the watchdog.\nKERNEL=="watchdog*", OWNER="postgres", GROUP="postgres", MODE="0600"\n',
  };
}
