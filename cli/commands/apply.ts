// `pgha apply SPEC | PLANFILE`: plans (or takes a saved plan), asks, takes the apply lock, and
// carries the plan out with progress; ends with a summary and the cluster's members.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv, CommandModule } from 'yargs';
import { readBoundedFile } from '../../agent/contract/document/bounded-file.js';
import { acquireApplyLock, type ApplyLock } from '../engine/apply-lock.js';
import { applyPlan } from '../engine/apply-plan.js';
import { clusterGate } from '../engine/cluster-gate.js';
import type { EventSink } from '../engine/engine-events.js';
import { openSession, type Session } from '../engine/session.js';
import { ExitCode } from '../exit-codes.js';
import { changeTitle, type Plan } from '../plan/plan.js';
import { readPlanFile } from '../plan/plan-file.js';
import type { ObservedPostgresRestart } from '../resources/postgres-rolling-restart.js';
import { staleReasons } from '../plan/staleness.js';
import { cliDuration } from '../options/cli-duration.js';
import { UserError } from '../user-error.js';
import { membersTable } from '../views/members-table.js';
import { painter } from '../views/paint.js';
import { listrProgress } from '../views/progress-listr.js';
import { eventLine, planLine, summaryLine } from '../views/progress-json.js';
import { progressLine } from '../views/progress-lines.js';
import { NO_CHANGES, planRemarks, planText } from '../views/plan-text.js';
import type { CommandContext } from './command-context.js';
import { sessionOptions, withProvisioningOptions, type ProvisioningArgs } from './provisioning-options.js';

interface ApplyArgs extends ProvisioningArgs {
  target: string;
  'auto-approve': boolean;
  'lock-timeout': string;
  'allow-paused-restart': boolean;
  json: boolean;
}


/** A saved plan holds every file it writes, so it may be larger than a spec. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** The plan `target` holds, or undefined when it is something else (a spec, or no file at all). */
async function savedPlan(target: string): Promise<Plan | undefined> {
  const read = readBoundedFile(target, MAX_PLAN_BYTES);
  return read.ok && read.bytes.toString('utf8').trimStart().startsWith('{') ? readPlanFile(target) : undefined;
}

async function confirm(context: CommandContext, autoApprove: boolean, saved: boolean): Promise<boolean> {
  if (autoApprove || saved) return true;
  const answer = await context.io.ask("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
  if (answer === undefined) throw new UserError('apply needs a confirmation and there is no terminal to ask on (or --input=false was given): pass --auto-approve, or apply a plan saved with "pgha plan -out FILE"');
  return answer.trim() === 'yes';
}

function progress(context: CommandContext, session: Session, plan: Plan, json: boolean): { sink: EventSink; finish(): Promise<void> } {
  if (json) return { sink: (event) => context.io.out(`${eventLine(event, new Date())}\n`), finish: () => Promise.resolve() };
  if (!context.io.terminal) return { sink: (event) => context.io.err(`${progressLine(event, new Date())}\n`), finish: () => Promise.resolve() };
  const totals = new Map<string, number>();
  for (const change of plan.changes) totals.set(change.host, (totals.get(change.host) ?? 0) + 1);
  return listrProgress([...session.spec.hosts, ...session.departed].map((h) => h.name).filter((host) => totals.has(host)), totals);
}

/** A paused cluster's PostgreSQL restarts only when the operator says so (the agents would not restart it on their own). */
function refuseRestartWhilePaused(plan: Plan, session: Session, allowed: boolean): void {
  const restart = plan.changes.find((c) => c.kind === 'postgres_rolling_restart');
  const seen = restart && (session.refreshed.observed.get(restart.id) as ObservedPostgresRestart | undefined);
  if (!restart || allowed || seen?.state !== 'present' || !seen.paused) return;
  throw new UserError(
    `cluster ${session.spec.metadata.name} is paused (maintenance mode) and this apply would restart PostgreSQL (${changeTitle(restart)}), so nothing was changed: run it with --allow-paused-restart to restart anyway, or "pgha resume" first`,
  );
}

export function applyCommand(context: CommandContext): CommandModule<object, ApplyArgs> {
  return {
    command: 'apply <target>',
    describe: 'Make the hosts and the DCS config match a spec (or carry out a saved plan)',
    builder: (yargs: Argv) =>
      withProvisioningOptions(
        yargs
          .positional('target', { describe: 'Cluster spec file (YAML), or a plan saved by "pgha plan -out"', type: 'string', demandOption: true })
          .option('auto-approve', { describe: 'Apply without asking for "yes"', type: 'boolean', default: false })
          .option('lock-timeout', { describe: 'How long to wait for another apply to release the lock (30s, 5m, 5min)', type: 'string', default: '0s', requiresArg: true })
          .option('allow-paused-restart', { describe: 'Restart PostgreSQL (a planned rolling restart) although the cluster is paused', type: 'boolean', default: false })
          .option('json', { describe: 'Stream one JSON object per line on stdout: the plan, each change as it starts and ends, each wait, the summary (needs --auto-approve or a saved plan)', type: 'boolean', default: false }),
      )
        .example('$0 apply inventories/lab/cluster.yaml', 'Plan, show the plan, ask, apply')
        .example('$0 apply --auto-approve --ref origin/main cluster.yaml', 'From CI: apply main without asking')
        .example('$0 apply lab.plan', 'Carry out exactly a saved plan; refused when it is stale')
        .example('$0 apply -auto-approve -json cluster.yaml > apply.jsonl', 'From CI, for machines: one event per line')
        .example('$0 apply --purge-data cluster.yaml', 'Also delete the data directories of hosts dropped from the spec')
        .epilog(
          'Apply holds a lock in etcd (/pgha/<cluster>/lock) while it runs.\n' +
            'Order: packages, files and units on every host, then etcd, the agents (restarted one host at a time, the leader last, ' +
            'when their config changed; then waiting for a leader and streaming replicas), HAProxy, the DCS config ' +
            '(one PATCH /config; a setting PostgreSQL reads only at start is followed by a rolling restart of PostgreSQL with one switchover), and the roles of postgres.users. ' +
            'A paused cluster is not restarted unless --allow-paused-restart says so.\n' +
            'A host dropped from the spec (found by its member key or etcd member) leaves first: a leader there hands over, its agent stops, ' +
            'its member key goes, then its etcd member is removed (after any member added, one at a time, the quorum held) and its etcd stops; ' +
            'its data directories stay unless --purge-data (a saved plan keeps the choice it was made with).\n' +
            'Exit status: 0 done (or nothing to do), 1 a change failed or the apply was refused.',
        ) as unknown as Argv<ApplyArgs>,
    handler: async (args) => {
      const { io } = context;
      const paint = painter(io.colour);
      const timeoutMs = cliDuration('lock-timeout', args['lock-timeout']);
      const saved = await savedPlan(args.target);
      if (args.json && !args['auto-approve'] && !saved) throw new UserError('apply --json cannot ask for "yes" while it prints JSON: pass --auto-approve, or apply a plan saved with "pgha plan -out FILE"');
      const session = await openSession(sessionOptions(context, saved?.spec.file ?? args.target, { ...args, ...(saved && { 'purge-data': saved.purge_data === true }), ...(saved?.spec.ref !== undefined && { ref: saved.spec.ref }) }));
      let lock: ApplyLock | undefined;
      let stopListening = (): void => undefined;
      try {
        if (saved) {
          const reasons = staleReasons(saved, session.plan);
          if (reasons.length > 0) throw new UserError(`the saved plan ${args.target} is stale, so nothing was changed: ${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}. Run "pgha plan" again`);
        }
        const pending = session.pki.pending();
        if (pending) {
          // Before the plan is shown, so that it shows what apply will write (a saved plan never lacks them: see plan).
          await session.pki.create();
          io.err(`Created ${pending}; keep it out of Git and copy it to any other machine that runs pgha for this cluster.\n`);
          await session.replan();
        }
        const plan = saved ?? session.plan;
        io.err(planRemarks(plan, paint));
        if (args.json) io.out(`${planLine(plan, new Date())}\n`);
        if (plan.changes.length === 0) {
          io.out(args.json ? `${summaryLine({ done: 0, failed: 0, skipped: 0 }, 0, new Date())}\n` : `${paint('green', NO_CHANGES)}\n`);
          return context.exit(ExitCode.ok);
        }
        if (!args.json) io.out(planText(plan, paint));
        refuseRestartWhilePaused(plan, session, args['allow-paused-restart']);
        if (!(await confirm(context, args['auto-approve'], saved !== undefined))) {
          io.err('Apply cancelled; nothing was changed.\n');
          return context.exit(ExitCode.failed);
        }
        const takeLock = async (): Promise<void> => {
          lock ??= await acquireApplyLock(session.cluster.applyLock(), {
            commit: session.source.git?.commit,
            timeoutMs,
            now: () => new Date(),
            sleep,
            onWait: (holder) => io.err(`The apply lock is held by ${holder}; waiting up to ${args['lock-timeout']} for it...\n`),
          });
        };
        stopListening = context.interrupts.on((signal) => {
          io.err(`\npgha: ${signal}: stopping; changes already made stay, and the next plan shows what is left.\n`);
          void Promise.resolve(lock?.release()).finally(() => {
            session.close();
            context.interrupts.exit(ExitCode.failed);
          });
        });
        const etcdRuns = (await session.cluster.etcdMembers()) !== 'unreachable';
        if (etcdRuns) {
          await takeLock();
          // Another apply may have finished between this plan and the lock: plan again and compare.
          const reasons = staleReasons(plan, await session.replan());
          if (reasons.length > 0) throw new UserError(`the cluster changed while this apply waited for its lock, so nothing was changed: ${reasons.slice(0, 5).join('; ')}. Run it again`);
        } else io.err('etcd does not run yet: the apply lock is taken as soon as it does.\n');
        const view = progress(context, session, plan, args.json);
        const started = Date.now();
        const gate = clusterGate(session.spec, session.cluster, { etcdTimeoutMs: 90_000, clusterTimeoutMs: 180_000, pollMs: 1000, now: () => Date.now(), sleep, onEtcdReady: takeLock }, view.sink);
        const result = await applyPlan(plan, session.refreshed.desired.resources, session.refreshed.observed, {
          transport: (host) => {
            const transport = session.connections.transports.get(host);
            if (!transport) throw new Error(`no connection to host ${host}`);
            return transport;
          },
          cluster: session.cluster,
          agentArchive: () => session.release.archive(),
          issueCertificate: (addresses) => session.pki.issue(addresses),
          waitEtcd: gate.waitEtcd,
          waitHealthy: gate.waitHealthy,
          waitAgentBack: gate.waitAgentBack,
          waitUntil: gate.waitUntil,
        }, {
          parallelism: args.parallelism,
          emit: view.sink,
          now: () => Date.now(),
          gate,
        });
        await view.finish();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const failed = result.failed.length + result.skipped.length;
        io.err(`\n${paint(failed ? 'red' : 'green', `Apply ${failed ? 'failed' : 'complete'}: ${result.done.length} done, ${result.failed.length} failed, ${result.skipped.length} skipped, in ${seconds} s.`)}\n`);
        if (args.json) io.out(`${summaryLine({ done: result.done.length, failed: result.failed.length, skipped: result.skipped.length }, Date.now() - started, new Date())}\n`);
        const members = args.json ? undefined : await session.cluster.members();
        if (members) io.out(membersTable(session.spec.metadata.name, members));
        context.exit(failed ? ExitCode.failed : ExitCode.ok);
      } finally {
        stopListening();
        await lock?.release();
        session.close();
      }
    },
  };
}
