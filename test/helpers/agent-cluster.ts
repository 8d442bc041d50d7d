// A real cluster on loopback for the agent's end-to-end tests: one etcd (behind one TCP proxy per
// member, so the test can cut one member off etcd, or all of them), N pgha-agent processes (the
// built bundle, as the postgres user) each running its own PostgreSQL 15, HAProxy routing one
// port to whoever answers 200 on /primary, and optionally one watchdog emulator per member.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { watchdogTimeout } from '../../agent/contract/timing.js';
import { Secrets } from '../../cli/desired/secrets.js';
import { opensslIssuer, type KeyPair } from '../../cli/pki/openssl-issuer.js';
import { agentApiClient, type AgentApiClient } from '../../cli/transport/agent-api-client.js';
import { readPostmasterPidFile } from '../../agent/postgres/postmaster-liveness.js';
import { startProcess, waitFor, type RunningProcess } from './child-process.js';
import { startEtcd, type EtcdServer } from './etcd-server.js';
import { freePort } from './free-port.js';
import { startHaproxy, type Haproxy } from './haproxy.js';
import { projectPath } from './paths.js';
import { stopPostmaster } from './postgres-harness.js';
import { POSTGRES_BIN_DIR, postgresRunAs } from './postgres-user.js';
import { childPids } from './process-tree.js';
import { startTcpProxy, type CutMode, type TcpProxy } from './tcp-proxy.js';
import { startWatchdogEmulator, type WatchdogEmulator } from './watchdog-emulator.js';

export interface AgentMember {
  name: string;
  pgPort: number;
  apiPort: number;
  dataDir: string;
  configFile: string;
  /** The member's own way to etcd, so it alone can be cut off. */
  etcdProxy: TcpProxy;
  agent: RunningProcess | undefined;
  /** The end of what the member's earlier agent processes printed (a restarted agent starts a new output). */
  earlierOutput?: string;
  /** The member's watchdog device, when the cluster has them; it kills the agent and PostgreSQL when it fires. */
  watchdog: WatchdogEmulator | undefined;
}

/** How much of a member's earlier agents' output is kept, for diagnoses. */
const EARLIER_OUTPUT_CHARS = 65_536;

/** What `signal` reaches: the agent alone, the agent and the postmaster, or the agent and every PostgreSQL process (a paused host). */
export type SignalScope = 'agent' | 'agent+postmaster' | 'agent+postgres';

export interface ClusterOptions {
  members?: number;
  /** The dynamic configuration written at bootstrap (ttl, loop_wait, ...). */
  dcs?: Record<string, unknown>;
  /** Extra agent configuration (e.g. restapi.authentication). */
  agent?: Record<string, unknown>;
  /** Extra agent configuration for one member (e.g. its watchdog device); `dir` is the member's own directory. */
  memberAgent?: (name: string, dir: string) => Record<string, unknown>;
  /** Extra `postgresql` settings for one member (e.g. its callbacks); `dir` is the member's own directory. */
  memberPostgresql?: (name: string, dir: string) => Record<string, unknown>;
  /** Node.js options for the agent processes (e.g. V8 memory flags). */
  nodeArgs?: string[];
  /** etcd over HTTPS with client certificates and a password, as in production. */
  securedEtcd?: boolean;
  /** The REST API over HTTPS with a certificate per member from a cluster CA, and Basic auth, as pgha apply sets it up. */
  securedApi?: boolean;
  /** A watchdog emulator per member, as its watchdog device. */
  watchdog?: ClusterWatchdog;
}

export interface ClusterWatchdog {
  mode: 'required' | 'automatic';
  /** watchdog.safety_margin; Patroni's 5 by default. */
  safetyMargin?: number;
  /** The emulated driver's timeout; by default ttl - safety_margin, what the agent wants. */
  timeoutSeconds?: number;
}

const DEFAULT_DCS = { ttl: 10, loop_wait: 2, retry_timeout: 4 };
const DEFAULT_SAFETY_MARGIN = 5;

export const SUPERUSER = { username: 'postgres', password: randomBytes(9).toString('base64url') };

/** The cluster CA and the credentials of a cluster whose REST API is secured. */
export interface ApiSecurity {
  ca: KeyPair;
  auth: { username: string; password: string };
}

export class AgentCluster {
  readonly members: AgentMember[] = [];
  apiSecurity: ApiSecurity | undefined;
  /** HTTPS with the CA, and the credentials on mutating calls, when the REST API is secured. */
  private apiClient: AgentApiClient | undefined;
  private readonly runAs = postgresRunAs();
  /** Every emulator started, even for a member whose start failed, so that stop() stops them all. */
  private readonly emulators: WatchdogEmulator[] = [];
  private nodeArgs: string[] = [];

  private constructor(
    readonly root: string,
    readonly etcd: EtcdServer,
    readonly scope: string,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<AgentCluster> {
    const root = mkdtempSync(join(tmpdir(), 'pgha-cluster-'));
    const etcd = await startEtcd({ secured: options.securedEtcd === true });
    const cluster = new AgentCluster(root, etcd, `it${randomBytes(3).toString('hex')}`);
    cluster.nodeArgs = options.nodeArgs ?? [];
    try {
      if (options.securedApi) await cluster.secureApi();
      cluster.prepare();
      for (let i = 1; i <= (options.members ?? 3); i++) await cluster.addMember(`pg${i}`, options);
      for (const member of cluster.members) await cluster.startAgent(member.name);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async secureApi(): Promise<void> {
    const security: ApiSecurity = { ca: await opensslIssuer.createAuthority(this.scope), auth: { username: 'pgha', password: randomBytes(12).toString('base64url') } };
    this.apiSecurity = security;
    const access = { https: true, username: security.auth.username, password: { env: 'API_PASSWORD' }, passwordSource: 'the test', ca: security.ca.cert };
    this.apiClient = agentApiClient(access, new Secrets({ specDirectory: this.root, env: { API_PASSWORD: security.auth.password } }));
  }

  /** The member's REST API certificate, its key and the CA in its directory, and the agent's settings for them. */
  private async apiTls(dir: string): Promise<Record<string, unknown>> {
    const security = this.apiSecurity;
    if (!security) return {};
    const issued = await opensslIssuer.issue(security.ca, ['127.0.0.1']);
    const files = { certfile: ['api.crt', issued.cert], keyfile: ['api.key', issued.key], cafile: ['api-ca.crt', security.ca.cert] } as const;
    const settings: Record<string, unknown> = { authentication: security.auth };
    for (const [setting, [name, content]] of Object.entries(files)) {
      settings[setting] = join(dir, name);
      writeFileSync(join(dir, name), content, { mode: 0o600 });
      if (this.runAs) chownSync(join(dir, name), this.runAs.uid, this.runAs.gid);
    }
    return settings;
  }

  /** The agent bundle, copied where the postgres user can read it. */
  private prepare(): void {
    cpSync(projectPath('dist/agent'), join(this.root, 'agent'), { recursive: true });
    chmodSync(this.root, 0o755);
    if (this.runAs) chownSync(this.root, this.runAs.uid, this.runAs.gid);
  }

  private async addMember(name: string, options: ClusterOptions): Promise<void> {
    const watchdog = await this.watchdogFor(options);
    const [pgPort, apiPort] = [await freePort(), await freePort()];
    const dir = join(this.root, name);
    mkdirSync(dir, { mode: 0o700 });
    if (this.runAs) chownSync(dir, this.runAs.uid, this.runAs.gid);
    const dataDir = join(dir, 'data');
    const [etcdHost, etcdPort] = this.etcd.endpoint.split(':');
    const etcdProxy = await startTcpProxy(etcdHost!, Number(etcdPort));
    const config = {
      name,
      scope: this.scope,
      log: { level: 'debug' },
      etcd: { hosts: [`127.0.0.1:${etcdProxy.port}`], ...this.etcdSecurity(dir) },
      restapi: { listen: `127.0.0.1:${apiPort}`, connect_address: `127.0.0.1:${apiPort}`, ...(await this.apiTls(dir)) },
      postgresql: {
        listen: `127.0.0.1:${pgPort}`,
        connect_address: `127.0.0.1:${pgPort}`,
        data_dir: dataDir,
        bin_dir: POSTGRES_BIN_DIR,
        authentication: {
          superuser: SUPERUSER,
          replication: { username: 'replicator', password: 'replication-secret' },
          rewind: { username: 'rewinder', password: 'rewind-secret' },
        },
        parameters: { unix_socket_directories: dir, fsync: 'off', max_connections: 40 },
        pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256', 'host replication all 127.0.0.1/32 scram-sha-256'],
        ...options.memberPostgresql?.(name, dir),
      },
      bootstrap: { dcs: { ...DEFAULT_DCS, ...options.dcs } },
      watchdog: watchdog?.config ?? { mode: 'off' },
      ...options.agent,
      ...options.memberAgent?.(name, dir),
    };
    const configFile = join(dir, 'agent.yaml');
    writeFileSync(configFile, stringify(config), { mode: 0o600 });
    if (this.runAs) chownSync(configFile, this.runAs.uid, this.runAs.gid);
    this.members.push({ name, pgPort, apiPort, dataDir, configFile, etcdProxy, agent: undefined, watchdog: watchdog?.emulator });
  }

  /** A new emulator and the agent's watchdog settings for it, when the cluster has watchdogs. */
  private async watchdogFor(options: ClusterOptions): Promise<{ emulator: WatchdogEmulator; config: Record<string, unknown> } | undefined> {
    if (!options.watchdog) return undefined;
    const { mode, safetyMargin = DEFAULT_SAFETY_MARGIN } = options.watchdog;
    const ttl = Number(options.dcs?.ttl ?? DEFAULT_DCS.ttl);
    const emulator = await startWatchdogEmulator({ timeoutSeconds: options.watchdog.timeoutSeconds ?? watchdogTimeout(ttl, safetyMargin) });
    this.emulators.push(emulator);
    // The agent reads the timeout from <sysfs>/class/watchdog/watchdog0/timeout.
    const classDir = `${sep}class${sep}watchdog`;
    if (!emulator.sysfsClassDir.endsWith(classDir)) throw new Error(`the emulator's sysfs class directory ${emulator.sysfsClassDir} does not end in ${classDir}`);
    const sysfs = emulator.sysfsClassDir.slice(0, -classDir.length);
    return { emulator, config: { mode, device: emulator.devicePath, sysfs, safety_margin: safetyMargin } };
  }

  /** The agent's etcd TLS and login settings, with copies of the certificates the postgres user can read. */
  private etcdSecurity(dir: string): Record<string, string> {
    const secured = this.etcd.secured;
    if (!secured) return {};
    const files = { cacert: secured.certificates.caFile, cert: secured.certificates.clientCertFile, key: secured.certificates.clientKeyFile };
    const copies: Record<string, string> = {};
    for (const [setting, file] of Object.entries(files)) {
      copies[setting] = join(dir, `etcd-${setting}.pem`);
      cpSync(file, copies[setting]);
      if (this.runAs) chownSync(copies[setting], this.runAs.uid, this.runAs.gid);
    }
    return { protocol: 'https', ...copies, username: secured.root.username, password: secured.root.password };
  }

  member(name: string): AgentMember {
    const member = this.members.find((m) => m.name === name);
    if (!member) throw new Error(`no member ${name}`);
    return member;
  }

  /** Starts the member's agent at once; resolves once its watchdog emulator, if any, knows whom to kill. */
  async startAgent(name: string): Promise<void> {
    const member = this.member(name);
    const bundle = join(this.root, 'agent', 'bin', 'pgha-agent.mjs');
    if (member.agent) member.earlierOutput = `${member.earlierOutput ?? ''}${member.agent.output()}--- (agent restarted)\n`.slice(-EARLIER_OUTPUT_CHARS);
    member.agent = startProcess(process.execPath, [...this.nodeArgs, bundle, '--config', member.configFile], {
      ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
      cwd: this.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    await member.watchdog?.setTargets({ pids: [member.agent.pid], dataDir: member.dataDir });
  }

  /** The members whose current agent their watchdog emulator killed: reset hosts, to boot again. */
  resetMembers(): string[] {
    const reset = (m: AgentMember): boolean => m.watchdog?.events.some((e) => e.event === 'killed' && m.agent !== undefined && e.pids?.includes(m.agent.pid)) === true;
    return this.members.filter(reset).map((m) => m.name);
  }

  async postmasterPid(name: string): Promise<number | undefined> {
    return (await readPostmasterPidFile(this.member(name).dataDir))?.pid;
  }

  /** kill -9 of the member's agent and postmaster together. */
  async kill(name: string): Promise<void> {
    const member = this.member(name);
    const postmaster = await this.postmasterPid(name);
    member.agent?.child.kill('SIGKILL');
    if (postmaster) process.kill(postmaster, 'SIGKILL');
    await member.agent?.stop(1000);
  }

  /** kill -9 of the member's postmaster alone: a crash under a live agent. */
  async crashPostgres(name: string): Promise<void> {
    const postmaster = await this.postmasterPid(name);
    if (postmaster) process.kill(postmaster, 'SIGKILL');
  }

  /** SIGSTOP (or SIGCONT) of the member's agent and, by default, its postmaster. */
  async signal(name: string, signal: 'SIGSTOP' | 'SIGCONT', scope: SignalScope = 'agent+postmaster'): Promise<void> {
    this.member(name).agent?.child.kill(signal);
    if (scope === 'agent') return;
    const postmaster = await this.postmasterPid(name);
    if (!postmaster) return;
    // The postmaster first, so that it forks nothing while its children are being stopped.
    const pids = scope === 'agent+postgres' ? [postmaster, ...childPids(postmaster)] : [postmaster];
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // A child that exited meanwhile.
      }
    }
  }

  /** Cuts `names` (by default every member) off etcd; the others keep talking to it. */
  cutEtcd(mode: CutMode, names = this.members.map((m) => m.name)): void {
    for (const name of names) this.member(name).etcdProxy.cut(mode);
  }

  healEtcd(names = this.members.map((m) => m.name)): void {
    for (const name of names) this.member(name).etcdProxy.heal();
  }

  /** A REST call; a blocking switchover may take up to 2 * max(10, loop_wait) s and a restart as long as PostgreSQL takes to start, so they get longer. */
  async api(name: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
    const blocking = init.method === 'POST' && (path === '/switchover' || path === '/failover' || path === '/restart');
    if (this.apiClient) {
      const call = { method: init.method ?? 'GET', headers: (init.headers ?? {}) as Record<string, string>, ...(typeof init.body === 'string' && { body: init.body }), timeoutMs: blocking ? 30_000 : 3000 };
      const answer = await this.apiClient.call(`https://127.0.0.1:${this.member(name).apiPort}${path}`, call);
      return { status: answer.status, body: answer.text };
    }
    // fetch labels a string body text/plain, which the agent refuses on a mutating call: say JSON.
    const headers = init.body === undefined ? init.headers : { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) };
    const response = await fetch(`http://127.0.0.1:${this.member(name).apiPort}${path}`, { ...init, ...(headers && { headers }), signal: AbortSignal.timeout(blocking ? 30_000 : 3000) });
    return { status: response.status, body: await response.text() };
  }

  async status(name: string): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse((await this.api(name, '/patroni')).body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  /** The members answering 200 on /primary right now. */
  async primaries(): Promise<string[]> {
    const answers = await Promise.all(this.members.map(async (m) => ((await this.api(m.name, '/primary').catch(() => ({ status: 0 }))).status === 200 ? m.name : undefined)));
    return answers.filter((n): n is string => n !== undefined);
  }

  async waitForPrimary(timeoutMs: number, not?: string): Promise<string> {
    let found: string | undefined;
    await waitFor('one primary', async () => {
      const primaries = await this.primaries();
      found = primaries.length === 1 && primaries[0] !== not ? primaries[0] : undefined;
      return found !== undefined;
    }, timeoutMs, 100);
    return found!;
  }

  /** Until every other member is a replica streaming from `primary`. */
  async waitForReplicas(primary: string, timeoutMs: number): Promise<void> {
    await waitFor('every replica to stream', () => this.everyReplicaStreamsFrom(primary), timeoutMs, 200);
  }

  /** Until one member answers /primary and every other one streams from it, whichever member that is; resolves its name. */
  async waitForSettled(timeoutMs: number): Promise<string> {
    let settled: string | undefined;
    await waitFor('one primary, and every other member streaming from it', async () => {
      const [primary, ...others] = await this.primaries();
      settled = primary !== undefined && others.length === 0 && (await this.everyReplicaStreamsFrom(primary)) ? primary : undefined;
      return settled !== undefined;
    }, timeoutMs, 200);
    return settled!;
  }

  /** Whether every other member is a replica streaming from `primary`, as its agent reports and as the primary's pg_stat_replication shows right now. */
  private async everyReplicaStreamsFrom(primary: string): Promise<boolean> {
    const replicas = this.members.filter((m) => m.name !== primary);
    const states = await Promise.all(replicas.map((m) => this.status(m.name)));
    if (!states.every((s) => s?.role === 'replica' && s.replication_state === 'streaming')) return false;
    const streaming = await this.streamingFrom(primary);
    return replicas.every((m) => streaming.includes(m.name));
  }

  /** Until `name` streams again as a replica from the one primary, as its agent and the primary's pg_stat_replication tell. */
  async waitForRejoin(name: string, timeoutMs: number): Promise<void> {
    await waitFor(`${name} to stream again as a replica`, async () => {
      const status = await this.status(name);
      if (status?.role !== 'replica' || status.replication_state !== 'streaming') return false;
      const primary = (await this.primaries())[0];
      return primary !== undefined && (await this.streamingFrom(primary)).includes(name);
    }, timeoutMs, 250);
  }

  /** The members streaming from `name` at this moment (its pg_stat_replication). */
  async streamingFrom(name: string): Promise<string[]> {
    const client = new pg.Client({ host: '127.0.0.1', port: this.member(name).pgPort, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password });
    await client.connect();
    try {
      const { rows } = await client.query<{ application_name: string }>("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
      return rows.map((row) => row.application_name);
    } finally {
      await client.end();
    }
  }

  /** HAProxy checking the agents over TLS with the cluster CA when the REST API is secured. */
  async startHaproxy(): Promise<Haproxy> {
    const caFile = this.apiSecurity ? join(this.root, 'haproxy-api-ca.crt') : undefined;
    if (caFile) writeFileSync(caFile, this.apiSecurity!.ca.cert);
    return startHaproxy(this.members.map((m) => ({ name: m.name, postgresPort: m.pgPort, apiPort: m.apiPort })), caFile);
  }

  /** Runs `run`; when it fails, the error carries what the agents logged. */
  async withLogs<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new Error(`${String(error)}\n${this.logs()}`);
    }
  }

  /** What the agents logged (their earlier processes' too), for a failing test's message. */
  logs(): string {
    return this.members.map((m) => `--- ${m.name}\n${m.earlierOutput ?? ''}${m.agent?.output() ?? ''}`).join('\n');
  }

  async stop(): Promise<void> {
    for (const member of this.members) {
      await this.signal(member.name, 'SIGCONT', 'agent+postgres').catch(() => undefined);
      await member.agent?.stop(15_000);
    }
    for (const member of this.members) await stopPostmaster(member.dataDir, this.runAs).catch(() => undefined);
    for (const member of this.members) await member.etcdProxy.close();
    for (const emulator of this.emulators) await emulator.stop();
    await this.etcd.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
