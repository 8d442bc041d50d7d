// The real PostgresController: one local instance, driven through pg_ctl, initdb, pg_basebackup,
// pg_rewind and pg_controldata (run as the PostgreSQL OS user) and short SQL sessions over TCP.
import { chown, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseError, type Client } from 'pg';
import { waitUntil } from './bounded-wait.js';
import { BASE_CONF, isManagedConf, renderPgHba, renderPostgresqlConf, upstreamInConf, type ServerRole } from './config-files.js';
import { formatConninfo } from './conninfo.js';
import { clusterState, controlTimeline, readControlData, rewindPossible, shutDownCleanly, systemIdentifier, type ControlData } from './control-data.js';
import { clearLocksOfDeadPostmaster, socketDirectories } from './dead-postmaster-locks.js';
import { dataDirectoryState, emptyDataDirectory, prepareEmptyDataDirectory } from './data-directory.js';
import { ensureReplicationRole, ensureRewindRole } from './database-roles.js';
import { initdbArguments } from './initdb-options.js';
import { exists, readIfPresent, removeFileIfPresent, writeOwnedFile } from './owned-file.js';
import { PgTools } from './pg-tools.js';
import { livePostmaster, postmasterProcess, readPostmasterPidFile, type PostmasterPidFile } from './postmaster-liveness.js';
import {
  slotNameFor,
  type BootstrapOptions,
  type PostgresController,
  type PostgresObservation,
  type PostgresSettings,
  type ReplicationSource,
  type RewindOutcome,
  type SourceTimeline,
  type StopMode,
} from './postgres-controller.js';
import { describeExit, ProcessError, type RunAs } from './process-runner.js';
import { finishReplacement, markNewCopyComplete, newCopyDirectory, replacementLeftBehind } from './replacement-copy.js';
import { identifySystem, timelineHistory } from './replication-commands.js';
import { syncPhysicalSlots } from './replication-slots.js';
import { rewindOutcome } from './rewind-outcome.js';
import { observeRunning } from './running-observation.js';
import { defaultServerLog, prepareServerLog, serverLogTail } from './server-log.js';
import { KeptSqlSession, withSqlSession, type SqlTarget } from './sql-session.js';

export interface PgCtlControllerOptions {
  dataDir: string;
  /** Where pg_ctl, initdb, pg_basebackup, pg_rewind, pg_controldata and postgres are, e.g. /usr/lib/postgresql/15/bin. */
  binDir: string;
  /** The settings until the first configure(). */
  settings: PostgresSettings;
  /** Run every PostgreSQL program as this user and give it the files written; for an agent running as root. */
  runAs?: RunAs;
  /** Bound on pg_ctl start, stop and reload, initdb, pg_promote and CHECKPOINT (Patroni's pg_ctl_timeout). */
  pgCtlTimeoutSeconds: number;
  connectTimeoutMs: number;
  /** Bound on each query of an observation or slot sync; default 10 s. */
  queryTimeoutMs?: number;
  /** Bound on pg_basebackup and pg_rewind, which copy data; default 3600 s. */
  copyTimeoutSeconds?: number;
  /** File pg_ctl sends the server's output to; default `<dataDir>.log`, beside the data directory. */
  serverLog?: string;
  /** Hears what the interface has no room for: why pg_rewind failed, a failed CHECKPOINT before a stop. */
  log?: (message: string) => void;
}

/** Time a program gets beyond its own `-t` before it is killed. */
const PROGRAM_GRACE_MS = 10_000;
/** A crash restart waits on this; each probe reads /proc. */
const DEAD_POSTMASTER_POLL_MS = 50;
const WILDCARD_ADDRESSES = new Set(['*', '0.0.0.0', '::', '']);
/**
 * A history file for a timeline another member took: its timeline 1 "ended" at 0/0, before any
 * replay position, so no standby ever switches to it; it only makes a promotion go past it.
 */
const PLACEHOLDER_HISTORY = '1\t0/0\ttaken by another member of the cluster (placeholder written by pgha)\n';

/** A login the server refused, or a database that is not there: retrying will not help. */
function isMisconfiguration(error: unknown): boolean {
  return error instanceof DatabaseError && (error.code?.startsWith('28') === true || error.code === '3D000');
}

/** What the control file tells whether or not the instance runs. */
function controlFields(control: ControlData): Partial<PostgresObservation> {
  const fields: Partial<PostgresObservation> = {};
  const state = clusterState(control);
  const identifier = systemIdentifier(control);
  const timeline = controlTimeline(control);
  if (state !== undefined) fields.controlState = state;
  if (identifier !== undefined) fields.systemIdentifier = identifier;
  if (timeline !== undefined) fields.timeline = timeline;
  return fields;
}

export class PgCtlController implements PostgresController {
  private settings: PostgresSettings;
  /** What the configuration files were last written for; read back from them after a restart of the agent. */
  private role: ServerRole | undefined;
  private readonly tools: PgTools;
  private readonly dataDir: string;
  private readonly serverLog: string;
  private readonly pgCtlTimeoutMs: number;
  private readonly copyTimeoutMs: number;
  private readonly queryTimeoutMs: number;
  /** The postmaster PID postmasterAlive() last found alive. */
  private knownPostmaster: number | undefined;
  /** The session the loop's own calls (observations, slot sync) run on, every cycle. */
  private readonly observations = new KeptSqlSession();
  /** Why the replay timeline could not be read last time, so a lasting cause is reported once. */
  private replayTimelineProblem: string | undefined;

  constructor(private readonly options: PgCtlControllerOptions) {
    this.settings = options.settings;
    this.dataDir = options.dataDir;
    this.tools = new PgTools(options.binDir, options.runAs);
    this.serverLog = options.serverLog ?? defaultServerLog(options.dataDir);
    this.pgCtlTimeoutMs = options.pgCtlTimeoutSeconds * 1000;
    this.copyTimeoutMs = (options.copyTimeoutSeconds ?? 3600) * 1000;
    this.queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  }

  async observe(): Promise<PostgresObservation> {
    if ((await replacementLeftBehind(this.dataDir)) && !(await livePostmaster(this.dataDir))) await this.finishReplacement();
    const dataDirectory = await dataDirectoryState(this.dataDir);
    if (dataDirectory !== 'initialized') return { dataDirectory, process: 'stopped' };
    const role = await this.currentRole();
    const configuredUpstream = role.kind === 'replica' && role.source ? { host: role.source.host, port: role.source.port } : undefined;
    const postmaster = await livePostmaster(this.dataDir);
    if (postmaster) {
      // The loop observes every cycle: a running instance answers over SQL, without pg_controldata.
      try {
        const replayTimeline = (): Promise<number | undefined> => this.replayTimeline(postmaster.port ?? this.settings.port);
        const running = await this.sql((client) => observeRunning(client, replayTimeline), { postmaster, kept: this.observations });
        const upstream = running.inRecovery ? (running.upstream ?? configuredUpstream) : undefined;
        return { dataDirectory, ...running, ...(upstream ? { upstream } : {}), process: 'running' };
      } catch (error) {
        if (isMisconfiguration(error)) throw error;
      }
    }
    const control = await this.controlData();
    const offline: PostgresObservation = {
      dataDirectory,
      process: 'stopped',
      ...(control ? controlFields(control) : {}),
      inRecovery: await exists(this.path('standby.signal')),
      ...(configuredUpstream ? { upstream: configuredUpstream } : {}),
    };
    if (postmaster) return { ...offline, process: 'starting' };
    return { ...offline, process: (await this.crashed(control)) ? 'crashed' : 'stopped' };
  }

  /** Polled several times a second by a leader: the PID is read from postmaster.pid only when it may have changed. */
  async postmasterAlive(): Promise<boolean> {
    if (this.knownPostmaster !== undefined && (await postmasterProcess(this.knownPostmaster)) === 'alive') return true;
    this.knownPostmaster = (await livePostmaster(this.dataDir))?.pid;
    return this.knownPostmaster !== undefined;
  }

  async configure(settings: PostgresSettings): Promise<boolean> {
    this.settings = settings;
    if ((await dataDirectoryState(this.dataDir)) !== 'initialized') return false;
    const changed = await this.writeConfiguration(await this.currentRole());
    if (changed) await this.reloadIfRunning();
    return changed;
  }

  async bootstrap(options: BootstrapOptions): Promise<void> {
    await prepareEmptyDataDirectory(this.dataDir, this.options.runAs);
    await this.initdb(options);
    await this.start({ kind: 'primary' });
    try {
      await waitUntil('PostgreSQL to accept connections', () => this.sql(async () => true), this.pgCtlTimeoutMs);
      await this.sql(async (client) => {
        await ensureReplicationRole(client, this.settings.replication);
        if (this.settings.rewind) await ensureRewindRole(client, this.settings.rewind);
      });
    } catch (error) {
      await this.stop('immediate').catch((stopError: unknown) => this.log(`stopping the failed bootstrap's instance failed too: ${String(stopError)}`));
      throw error;
    }
  }

  async cloneFrom(source: ReplicationSource): Promise<void> {
    await prepareEmptyDataDirectory(this.dataDir, this.options.runAs);
    try {
      await this.basebackup(source, this.dataDir);
    } catch (error) {
      await emptyDataDirectory(this.dataDir);
      throw error;
    }
    await this.writeConfiguration({ kind: 'replica', source });
  }

  async recloneFrom(source: ReplicationSource): Promise<void> {
    await this.refuseIfRunning('building a new copy of the data');
    await this.finishReplacement();
    const newCopy = newCopyDirectory(this.dataDir);
    try {
      await this.basebackup(source, newCopy);
    } catch (error) {
      await rm(newCopy, { recursive: true, force: true });
      throw error;
    }
    await markNewCopyComplete(this.dataDir);
    await this.finishReplacement();
    await this.writeConfiguration({ kind: 'replica', source });
  }

  async sourceTimeline(source: ReplicationSource): Promise<SourceTimeline> {
    return withSqlSession(this.replicationTarget(source.host, source.port), async (client) => {
      const { timeline } = await identifySystem(client);
      return { timeline, history: await timelineHistory(client, timeline) };
    });
  }

  startPrimary(): Promise<void> {
    return this.start({ kind: 'primary' });
  }

  startReplica(source: ReplicationSource | null): Promise<void> {
    return this.start({ kind: 'replica', source });
  }

  /** Rewrites primary_conninfo and reloads. A running primary stays one until it is restarted. */
  async follow(source: ReplicationSource | null): Promise<void> {
    if ((await dataDirectoryState(this.dataDir)) !== 'initialized') return;
    if (await this.writeConfiguration({ kind: 'replica', source })) await this.reloadIfRunning();
  }

  async reserveTimelines(timeline: number): Promise<void> {
    for (let id = 2; id <= timeline; id++) {
      const file = this.path(join('pg_wal', `${id.toString(16).toUpperCase().padStart(8, '0')}.history`));
      if (!(await exists(file))) await writeOwnedFile(file, PLACEHOLDER_HISTORY, this.options.runAs);
    }
  }

  /**
   * pg_promote() once a second until the instance leaves recovery: a request that finds the
   * startup process asleep between two tries for WAL (after a reload, say) can wait out
   * wal_retrieve_retry_interval; another request wakes it.
   */
  async promote(): Promise<void> {
    const seconds = this.options.pgCtlTimeoutSeconds;
    const promoted = await this.sql(async (client) => {
      for (let attempt = 0; attempt < seconds; attempt++) {
        const { rows } = await client.query<{ promoted: boolean }>(
          'SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_promote(true, 1) ELSE true END AS promoted',
        );
        if (rows[0]?.promoted) return true;
      }
      return false;
    }, { queryTimeoutMs: this.pgCtlTimeoutMs + PROGRAM_GRACE_MS });
    if (!promoted) throw new Error(`PostgreSQL did not leave recovery within ${seconds} s of pg_promote()`);
    if (await this.writeConfiguration({ kind: 'primary' })) await this.reloadIfRunning();
  }

  async stop(mode: StopMode, options: { checkpointFirst?: boolean } = {}): Promise<void> {
    const postmaster = await livePostmaster(this.dataDir);
    if (!postmaster) return;
    if (mode === 'fast' && options.checkpointFirst) {
      // Only shortens the shutdown checkpoint; stopping is what was asked for.
      await this.checkpoint().catch((error: unknown) => this.log(`CHECKPOINT before stopping failed; stopping anyway: ${String(error)}`));
    }
    const result = await this.tools.run('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', this.pgCtlSeconds()], {
      timeoutMs: this.pgCtlTimeoutMs + PROGRAM_GRACE_MS,
    });
    const gone = async (): Promise<boolean> => (await postmasterProcess(postmaster.pid)) !== 'alive';
    if (result.exitCode !== 0 && !(await gone())) throw new ProcessError('pg_ctl stop', result);
    await waitUntil(`postmaster ${postmaster.pid} to exit`, gone, this.pgCtlTimeoutMs);
  }

  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start(await this.currentRole());
  }

  /** A failure's output goes to the `log` option. */
  async rewindFrom(source: ReplicationSource): Promise<RewindOutcome> {
    await this.refuseIfRunning('pg_rewind');
    await this.waitForDeadPostmaster();
    // pg_rewind may run crash recovery in single-user mode first, which refuses to run with a standby.signal.
    const wasStandby = await removeFileIfPresent(this.path('standby.signal'));
    const login = this.settings.rewind ?? this.settings.superuser;
    const sourceServer = formatConninfo({
      host: source.host,
      port: source.port,
      user: login.username,
      dbname: 'postgres',
      connect_timeout: this.connectTimeoutSeconds(),
      target_session_attrs: 'read-write',
    });
    const result = await this.tools.run('pg_rewind', ['-D', this.dataDir, `--source-server=${sourceServer}`], {
      timeoutMs: this.copyTimeoutMs,
      env: { PGPASSWORD: login.password, PGOPTIONS: '-c statement_timeout=0' },
    });
    const outcome = rewindOutcome(result);
    if (outcome === 'rewound') {
      await this.writeConfiguration({ kind: 'replica', source });
      return outcome;
    }
    this.log(`pg_rewind from ${source.name} ${describeExit(result)}:\n${result.output.trim().slice(-4000)}`);
    // It did not get to touch the data: the instance is what it was.
    if (outcome === 'source-unavailable' && wasStandby) await writeOwnedFile(this.path('standby.signal'), '', this.options.runAs);
    return outcome;
  }

  async canRewind(): Promise<boolean> {
    const control = (await dataDirectoryState(this.dataDir)) === 'initialized' ? await this.controlData() : undefined;
    return control !== undefined && rewindPossible(control);
  }

  /** Keeps a slot for every listed member but this one; see replication-slots.ts for which others it drops. */
  async syncReplicationSlots(memberNames: string[]): Promise<void> {
    const own = slotNameFor(this.settings.memberName);
    const wanted = new Set(memberNames.map(slotNameFor).filter((slot) => slot !== own));
    await this.sql((client) => syncPhysicalSlots(client, wanted), { kept: this.observations });
  }

  async checkpoint(): Promise<void> {
    await this.sql((client) => client.query('CHECKPOINT'), { queryTimeoutMs: this.pgCtlTimeoutMs });
  }

  /** Ends the session kept for observations; every other session and program ends with its call. */
  async close(): Promise<void> {
    await this.observations.close();
  }

  private path(name: string): string {
    return join(this.dataDir, name);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private pgCtlSeconds(): string {
    return String(this.options.pgCtlTimeoutSeconds);
  }

  /** libpq's connect_timeout is in whole seconds, at least 2. */
  private connectTimeoutSeconds(): number {
    return Math.max(2, Math.ceil(this.options.connectTimeoutMs / 1000));
  }

  private async basebackup(source: ReplicationSource, into: string): Promise<void> {
    const { replication } = this.settings;
    const args = ['-D', into, '-X', 'stream', '-c', 'fast', '-h', source.host, '-p', String(source.port), '-U', replication.username, '-w'];
    const result = await this.tools.run('pg_basebackup', args, {
      timeoutMs: this.copyTimeoutMs,
      env: { PGPASSWORD: replication.password, PGCONNECT_TIMEOUT: String(this.connectTimeoutSeconds()) },
    });
    if (result.exitCode !== 0) throw new ProcessError('pg_basebackup', result);
  }

  private async finishReplacement(): Promise<void> {
    if (await finishReplacement(this.dataDir)) this.role = undefined;
  }

  /** A replication connection as the replication role, which may ask IDENTIFY_SYSTEM. */
  private replicationTarget(host: string, port: number): SqlTarget {
    const { replication } = this.settings;
    return {
      host,
      port,
      user: replication.username,
      password: replication.password,
      connectTimeoutMs: this.options.connectTimeoutMs,
      queryTimeoutMs: this.queryTimeoutMs,
      replication: true,
    };
  }

  /** Over the local socket, which the agent's own pg_hba.conf line lets the replication role use. */
  private async replayTimeline(port: number): Promise<number | undefined> {
    const socketDirectory = socketDirectories(this.settings.parameters['unix_socket_directories'])[0];
    try {
      if (socketDirectory === undefined) throw new Error('unix_socket_directories names no directory');
      const { timeline } = await withSqlSession(this.replicationTarget(socketDirectory, port), identifySystem);
      this.replayTimelineProblem = undefined;
      return timeline;
    } catch (error) {
      const problem = `cannot read the timeline this replica replays (IDENTIFY_SYSTEM): ${error instanceof Error ? error.message : String(error)}`;
      if (problem !== this.replayTimelineProblem) this.log(problem);
      this.replayTimelineProblem = problem;
      return undefined;
    }
  }

  /** Undefined for a data directory without a control file (not a usable cluster). */
  private async controlData(): Promise<ControlData | undefined> {
    if (!(await exists(this.path('global/pg_control')))) return undefined;
    return readControlData(this.tools, this.dataDir, this.pgCtlTimeoutMs);
  }

  /**
   * Whether a stopped instance went down without a clean shutdown. A fresh clone or rewind has an
   * unclean control file too, but also the backup_label that tells PostgreSQL where to start from.
   */
  private async crashed(control: ControlData | undefined): Promise<boolean> {
    return control !== undefined && !shutDownCleanly(control) && !(await exists(this.path('backup_label')));
  }

  private async currentRole(): Promise<ServerRole> {
    if (this.role) return this.role;
    if (!(await exists(this.path('standby.signal')))) return { kind: 'primary' };
    const upstream = upstreamInConf((await readIfPresent(this.path('postgresql.conf'))) ?? '');
    return { kind: 'replica', source: upstream ? { name: `${upstream.host}:${upstream.port}`, ...upstream } : null };
  }

  /** Writes postgresql.conf, pg_hba.conf and standby.signal for `role`; resolves whether any changed. */
  private async writeConfiguration(role: ServerRole): Promise<boolean> {
    this.role = role;
    const { runAs } = this.options;
    await this.adoptBaseConf();
    const hbaFile = this.path('pg_hba.conf');
    const conf = await writeOwnedFile(this.path('postgresql.conf'), renderPostgresqlConf(this.settings, hbaFile, role), runAs);
    const hba = await writeOwnedFile(hbaFile, renderPgHba(this.settings.pgHba, this.settings.replication.username), runAs);
    const signal =
      role.kind === 'replica' ? await writeOwnedFile(this.path('standby.signal'), '', runAs) : await removeFileIfPresent(this.path('standby.signal'));
    return conf || hba || signal;
  }

  /** A postgresql.conf we did not write (initdb's) becomes postgresql.base.conf, which ours includes. */
  private async adoptBaseConf(): Promise<void> {
    const base = this.path(BASE_CONF);
    if (await exists(base)) return;
    const current = await readIfPresent(this.path('postgresql.conf'));
    if (current !== undefined && !isManagedConf(current)) await rename(this.path('postgresql.conf'), base);
    else await writeOwnedFile(base, '', this.options.runAs);
  }

  private async initdb(options: BootstrapOptions): Promise<void> {
    const { superuser } = this.settings;
    const pwDir = await mkdtemp(join(tmpdir(), 'pgha-initdb-'));
    try {
      const pwFile = join(pwDir, 'pwfile');
      await writeOwnedFile(pwFile, `${superuser.password}\n`, this.options.runAs);
      if (this.options.runAs) await chown(pwDir, this.options.runAs.uid, this.options.runAs.gid);
      const args = ['-D', this.dataDir, `--username=${superuser.username}`, `--pwfile=${pwFile}`, ...initdbArguments(options.initdb)];
      await this.tools.runChecked('initdb', args, { timeoutMs: this.pgCtlTimeoutMs });
    } finally {
      await rm(pwDir, { recursive: true, force: true });
    }
  }

  private async start(role: ServerRole): Promise<void> {
    const dataDirectory = await dataDirectoryState(this.dataDir);
    if (dataDirectory !== 'initialized') throw new Error(`nothing to start: the data directory ${this.dataDir} is ${dataDirectory}`);
    await this.refuseIfRunning('starting');
    await this.writeConfiguration(role);
    await this.waitForDeadPostmaster();
    await prepareServerLog(this.serverLog, this.options.runAs);
    const result = await this.tools.run('pg_ctl', ['start', '-D', this.dataDir, '-l', this.serverLog, '-w', '-t', this.pgCtlSeconds()], {
      timeoutMs: this.pgCtlTimeoutMs + PROGRAM_GRACE_MS,
    });
    if (result.exitCode === 0) return;
    if (await livePostmaster(this.dataDir)) {
      this.log(`pg_ctl start stopped waiting after ${this.pgCtlSeconds()} s; PostgreSQL is still starting`);
      return;
    }
    throw new Error(`${new ProcessError('pg_ctl start', result).message}\nend of ${this.serverLog}:\n${await serverLogTail(this.serverLog)}`);
  }

  private async refuseIfRunning(action: string): Promise<void> {
    const postmaster = await livePostmaster(this.dataDir);
    if (postmaster) throw new Error(`${action} needs a stopped instance, but postmaster ${postmaster.pid} runs on ${this.dataDir}`);
  }

  /** Until a killed postmaster and its children are gone; its lock files would stop a new one (see dead-postmaster-locks). */
  private async waitForDeadPostmaster(): Promise<void> {
    const pidFile = await readPostmasterPidFile(this.dataDir);
    if (!pidFile) return;
    const socketDirs = socketDirectories(this.settings.parameters['unix_socket_directories']);
    await waitUntil(
      `the dead postmaster ${pidFile.pid} and its children to exit`,
      () => clearLocksOfDeadPostmaster(this.dataDir, pidFile, socketDirs),
      this.pgCtlTimeoutMs,
      DEAD_POSTMASTER_POLL_MS,
    );
  }

  private async reloadIfRunning(): Promise<void> {
    if (await livePostmaster(this.dataDir)) await this.tools.runChecked('pg_ctl', ['reload', '-D', this.dataDir], { timeoutMs: this.pgCtlTimeoutMs });
  }

  /** One SQL session as the superuser, to where the running postmaster says it listens. */
  private async sql<T>(
    action: (client: Client) => Promise<T>,
    options: { postmaster?: PostmasterPidFile; queryTimeoutMs?: number; kept?: KeptSqlSession } = {},
  ): Promise<T> {
    const pidFile = options.postmaster ?? (await readPostmasterPidFile(this.dataDir));
    const address = pidFile?.listenAddress ?? this.settings.listenAddresses[0];
    const { superuser } = this.settings;
    const target = {
      host: address === undefined || WILDCARD_ADDRESSES.has(address) ? '127.0.0.1' : address,
      port: pidFile?.port ?? this.settings.port,
      user: superuser.username,
      password: superuser.password,
      connectTimeoutMs: this.options.connectTimeoutMs,
      queryTimeoutMs: options.queryTimeoutMs ?? this.queryTimeoutMs,
    };
    return options.kept ? options.kept.run(target, action) : withSqlSession(target, action);
  }
}
