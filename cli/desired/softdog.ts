// The softdog watchdog: loaded at boot with the spec's soft_margin, and its device given to the
// postgres user, so the agent (not root) can arm it.

export const SOFTDOG_FILES = {
  modulesLoad: '/etc/modules-load.d/pgha-softdog.conf',
  modprobe: '/etc/modprobe.d/pgha-softdog.conf',
  udevRule: '/etc/udev/rules.d/61-pgha-watchdog.rules',
} as const;

export function softdogFiles(softMargin: number): Record<keyof typeof SOFTDOG_FILES, string> {
  return {
    modulesLoad: '# Written by pgha apply: the watchdog that fences a hung primary.\nsoftdog\n',
    modprobe: `# Written by pgha apply.\noptions softdog soft_margin=${softMargin}\n`,
    udevRule: '# Written by pgha apply: the agent runs as postgres and arms the watchdog.\nKERNEL=="watchdog*", OWNER="postgres", GROUP="postgres", MODE="0600"\n',
  };
}
