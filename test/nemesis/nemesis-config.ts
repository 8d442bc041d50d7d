// What a nemesis run does, from the environment: PGHA_NEMESIS_FAULTS (how many), PGHA_NEMESIS_SEED
// (replays a run), PGHA_NEMESIS_KINDS (a comma list restricting the fault kinds),
// PGHA_NEMESIS_SYNC (off | on | quorum) and PGHA_NEMESIS_WATCHDOG (off | emulator).
import { randomInt } from 'node:crypto';
import { FAULT_KINDS, type FaultKind } from './fault-schedule.js';

export type SyncMode = 'off' | 'on' | 'quorum';
export type WatchdogMode = 'off' | 'emulator';

export interface NemesisConfig {
  faults: number;
  seed: number;
  kinds: FaultKind[];
  sync: SyncMode;
  watchdog: WatchdogMode;
  /** Short timings keep a run fast; they obey loop_wait + 2 * retry_timeout <= ttl. */
  dcs: { ttl: number; loop_wait: number; retry_timeout: number };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!allowed.includes(value as T)) throw new Error(`${name}=${value}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`${name}=${value}: expected a whole number`);
  return number;
}

export function nemesisConfig(env: NodeJS.ProcessEnv = process.env): NemesisConfig {
  const kinds = (env.PGHA_NEMESIS_KINDS ?? '')
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '')
    .map((kind) => oneOf('PGHA_NEMESIS_KINDS', kind, FAULT_KINDS, 'kill-node'));
  return {
    faults: wholeNumber('PGHA_NEMESIS_FAULTS', env.PGHA_NEMESIS_FAULTS, 10),
    seed: wholeNumber('PGHA_NEMESIS_SEED', env.PGHA_NEMESIS_SEED, randomInt(1, 2 ** 31 - 1)),
    kinds: kinds.length > 0 ? kinds : [...FAULT_KINDS],
    sync: oneOf('PGHA_NEMESIS_SYNC', env.PGHA_NEMESIS_SYNC, ['off', 'on', 'quorum'], 'off'),
    watchdog: oneOf('PGHA_NEMESIS_WATCHDOG', env.PGHA_NEMESIS_WATCHDOG, ['off', 'emulator'], 'off'),
    dcs: { ttl: 6, loop_wait: 1, retry_timeout: 2 },
  };
}

/** The command that replays a run. */
export function replayCommand(config: NemesisConfig): string {
  const kinds = config.kinds.length === FAULT_KINDS.length ? '' : ` PGHA_NEMESIS_KINDS=${config.kinds.join(',')}`;
  return (
    `PGHA_NEMESIS_SEED=${config.seed} PGHA_NEMESIS_FAULTS=${config.faults}${kinds} ` +
    `PGHA_NEMESIS_SYNC=${config.sync} PGHA_NEMESIS_WATCHDOG=${config.watchdog} npm run test:nemesis`
  );
}
