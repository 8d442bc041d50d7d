// A nemesis run: a cluster under load from two writers (through HAProxy, and straight to the last
// primary seen), the seeded schedule of faults one after the other, each healed and checked
// before the next, and the figures per fault kind.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERUSER, type ClusterOptions } from '../helpers/agent-cluster.js';
import { startClusterUnderLoad } from '../helpers/cluster-under-load.js';
import { startDirectWriter } from '../helpers/direct-writer.js';
import { clusterDiagnosis, violationDiagnosis } from './cluster-diagnosis.js';
import { describeStep, makeSchedule, stepLabel, type Step } from './fault-schedule.js';
import { faultTable, type FaultOutcome } from './fault-table.js';
import { injectStep, type FaultContext } from './faults.js';
import { InvariantChecker } from './invariant-checker.js';
import { replayCommand, type NemesisConfig } from './nemesis-config.js';
import { PromotionLog } from './promotion-log.js';
import { WatchdogReboots } from './watchdog-reboots.js';

const MEMBERS = ['pg1', 'pg2', 'pg3'];
/** With the nemesis' ttl of 6 s, a watchdog timeout of 4 s: above loop_wait, and 2 s before the key expires. */
const SAFETY_MARGIN = 2;

export interface NemesisReport {
  outcomes: FaultOutcome[];
  /** Each broken invariant, with the fault it followed. */
  violations: string[];
  table: string;
}

/** An upper bound on a whole run, for the test's timeout: start, each fault with its recovery waits, stop. */
export function nemesisTimeoutMs(config: NemesisConfig): number {
  return 180_000 + config.faults * 150_000;
}

/** PGHA_NEMESIS_WATCHDOG=emulator: each member's watchdog is an emulator that kills its agent and PostgreSQL when it fires, in required mode. */
function clusterOptions(config: NemesisConfig): ClusterOptions {
  const sync = config.sync === 'off' ? {} : { synchronous_mode: config.sync === 'on' ? true : 'quorum' };
  const watchdog = config.watchdog === 'emulator' ? { watchdog: { mode: 'required' as const, safetyMargin: SAFETY_MARGIN } } : {};
  // As recommended: a pg_rewind cut off mid-copy (its source reset, say) is then healed by a reclone built beside the old data.
  const postgresql = { postgresql: { use_pg_rewind: true, remove_data_directory_on_rewind_failure: true } };
  return { members: MEMBERS.length, dcs: { ...config.dcs, ...sync, ...postgresql }, ...watchdog };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function outcomeLine(outcome: FaultOutcome): string {
  const figure = (value: number | undefined): string => (value === undefined ? 'never' : `${value} ms`);
  return (
    `#${outcome.index} ${outcome.description}: one primary ${figure(outcome.onePrimaryMs)} after the heal, all streaming ${figure(outcome.streamingMs)}, ` +
    `HAProxy gap ${outcome.gapMs} ms, lost ${outcome.lost.haproxy}+${outcome.lost.direct}, dual-primary acks ${outcome.dualPrimaryAcks}; ${(outcome.wallMs / 1000).toFixed(1)} s` +
    outcome.violations.map((v) => `\n   VIOLATION: ${v}`).join('')
  );
}

export async function runNemesis(config: NemesisConfig, print: (text: string) => void = console.log): Promise<NemesisReport> {
  const ttlMs = config.dcs.ttl * 1000;
  const schedule = makeSchedule({ seed: config.seed, count: config.faults, kinds: config.kinds, members: MEMBERS, ttlMs });
  print(
    `nemesis: seed ${config.seed}, ${config.faults} faults, sync ${config.sync}, watchdog ${config.watchdog}, dcs ${JSON.stringify(config.dcs)}\n` +
      `replay: ${replayCommand(config)}\n` +
      schedule.map((step) => `  #${step.index} ${describeStep(step)}`).join('\n'),
  );
  // The writers must outlive a long run: by default they stop after 30 minutes.
  const load = await startClusterUnderLoad(clusterOptions(config), nemesisTimeoutMs(config));
  const { cluster } = load;
  const directWriter = startDirectWriter({ members: cluster.members, user: SUPERUSER.username, password: SUPERUSER.password, maxRunMs: nemesisTimeoutMs(config) });
  const promotions = new PromotionLog({ member: load.primary, at: Date.now() });
  for (const member of cluster.members) promotions.follow(member);
  const context: FaultContext = {
    cluster,
    async restart(name) {
      const started = cluster.startAgent(name);
      promotions.follow(cluster.member(name));
      await started;
    },
  };
  const reboots = new WatchdogReboots(cluster, (name) => context.restart(name));
  const checker = new InvariantChecker({
    cluster,
    haproxyWriter: load.writer,
    directWriter,
    promotions,
    promises: { noLoss: config.sync !== 'off', singleWriter: config.watchdog !== 'off', onePrimaryWithinMs: (config.dcs.ttl + config.dcs.loop_wait + 2) * 1000 },
  });
  const outcomes: FaultOutcome[] = [];
  const violations: string[] = [];
  const runStep = async (step: Step): Promise<FaultOutcome> => {
    const primary = await cluster.waitForPrimary(10_000);
    await reboots.pause();
    const startedAt = Date.now();
    let description = describeStep(step);
    let failedInjection: string | undefined;
    try {
      const injected = await injectStep(context, step, primary);
      description += ` [${injected.target}]`;
      await sleep(step.fault.holdMs);
      await injected.heal();
    } catch (error) {
      failedInjection = `the fault could not be injected: ${String(error)}`;
    }
    await reboots.resume();
    const check = await checker.afterFault(startedAt, Date.now());
    if (failedInjection) check.violations.unshift(failedInjection);
    const rebooted = reboots.take();
    if (rebooted.length > 0) description += `, watchdog reset ${rebooted.join(', ')}`;
    if (check.violations.length > 0) {
      const file = join(tmpdir(), `pgha-nemesis-${config.seed}-${step.index}.log`);
      await violationDiagnosis(cluster, [description, ...check.dualPrimaryExamples, ...promotions.since(startedAt - 60_000)], file);
      description += ` (diagnosis: ${file})`;
    }
    return { ...check, index: step.index, label: stepLabel(step), description, wallMs: Date.now() - startedAt };
  };
  try {
    for (const step of schedule) {
      const outcome = await runStep(step);
      outcomes.push(outcome);
      violations.push(...outcome.violations.map((v) => `#${step.index} ${outcome.label}: ${v}`));
      print(outcomeLine(outcome));
      if (!outcome.healthy) {
        print(`the cluster did not recover: the run stops here\n${await clusterDiagnosis(cluster, join(tmpdir(), `pgha-nemesis-${config.seed}.log`))}`);
        break;
      }
    }
    violations.push(...(await checker.allHealthy()));
  } finally {
    await reboots.pause();
    await directWriter.stop();
    await load.stop();
  }
  const table = faultTable(outcomes);
  print(`${table}\n${violations.length === 0 ? 'no violations' : `violations:\n${violations.join('\n')}\nreplay: ${replayCommand(config)}`}`);
  return { outcomes, violations, table };
}
