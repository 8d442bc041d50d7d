// The seeded list of faults a nemesis run injects, one after the other, each healed before the
// next. Who the primary is depends on the run, so a target is a role resolved when the fault
// starts; a random draw among several candidates is fixed here (`pick`), so that the same seed
// replays the same choices.
import { mulberry32, pickOne, randomInt, type Random } from './prng.js';

export const FAULT_KINDS = [
  'kill-node',
  'freeze-node',
  'freeze-agent',
  'crash-postgres',
  'cut-agent',
  'cut-etcd',
  'switchover',
  'kill-sync-standby',
  'switchover-then',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault that acts once, on one target: every kind but the `switchover-then` sequence. */
export type SingleFaultKind = Exclude<FaultKind, 'switchover-then'>;

/** A member by role when the fault starts, or by name; `everyone` for a fault on all members. */
export type Target = 'primary' | 'replica' | 'sync-standby' | 'everyone' | `member:${string}`;

export interface Fault {
  kind: SingleFaultKind;
  target: Target;
  /** Which candidate, modulo their number, when the role names several. */
  pick: number;
  /** How long the fault lasts before it is healed; 0 for a fault that heals by itself. */
  holdMs: number;
}

export interface Step {
  index: number;
  /** A planned switchover just before `fault`, which then strikes the new primary. */
  switchover?: Fault;
  fault: Fault;
}

/** What may follow a switchover: the faults of the primary. */
const AFTER_SWITCHOVER: readonly SingleFaultKind[] = ['kill-node', 'freeze-node', 'freeze-agent', 'crash-postgres', 'cut-agent'];

export interface ScheduleOptions {
  seed: number;
  count: number;
  kinds: readonly FaultKind[];
  members: readonly string[];
  ttlMs: number;
}

function draw(random: Random, kind: SingleFaultKind, options: ScheduleOptions, onPrimary: boolean): Fault {
  const pick = randomInt(random, 1000);
  const holdMs = kind === 'crash-postgres' || kind === 'switchover' ? 0 : options.ttlMs + 1000 + randomInt(random, 2000);
  const primaryOrAny = (): Target => (onPrimary || random() < 0.6 ? 'primary' : `member:${pickOne(random, options.members)}`);
  const targets: Record<SingleFaultKind, () => Target> = {
    'kill-node': primaryOrAny,
    'freeze-node': primaryOrAny,
    'freeze-agent': () => 'primary',
    'crash-postgres': () => 'primary',
    'cut-agent': primaryOrAny,
    'cut-etcd': () => 'everyone',
    switchover: () => 'replica',
    'kill-sync-standby': () => 'sync-standby',
  };
  return { kind, target: targets[kind](), pick, holdMs };
}

export function makeSchedule(options: ScheduleOptions): Step[] {
  const random = mulberry32(options.seed);
  const followers = AFTER_SWITCHOVER.filter((kind) => options.kinds.includes(kind));
  return Array.from({ length: options.count }, (_, i) => {
    const kind = pickOne(random, options.kinds);
    if (kind !== 'switchover-then') return { index: i + 1, fault: draw(random, kind, options, false) };
    const switchover = draw(random, 'switchover', options, false);
    return { index: i + 1, switchover, fault: draw(random, pickOne(random, followers.length > 0 ? followers : AFTER_SWITCHOVER), options, true) };
  });
}

function describeTarget(target: Target, pick: number): string {
  if (target.startsWith('member:')) return target.slice('member:'.length);
  const roles: Record<Exclude<Target, `member:${string}`>, string> = {
    primary: 'the primary',
    everyone: 'every member',
    replica: `a replica (pick ${pick})`,
    'sync-standby': `the sync standby, else a replica (pick ${pick})`,
  };
  return roles[target as keyof typeof roles];
}

/** The fault kind a step is counted under in the table. */
export function stepLabel(step: Step): string {
  return step.switchover ? `switchover+${step.fault.kind}` : step.fault.kind;
}

export function describeStep(step: Step): string {
  const { fault } = step;
  const hold = fault.holdMs > 0 ? ` for ${(fault.holdMs / 1000).toFixed(1)} s` : '';
  const preposition = fault.kind === 'switchover' ? 'to' : 'of';
  const main = `${fault.kind} ${preposition} ${step.switchover ? 'the new primary' : describeTarget(fault.target, fault.pick)}${hold}`;
  return step.switchover ? `switchover to ${describeTarget(step.switchover.target, step.switchover.pick)}, then ${main}` : main;
}
