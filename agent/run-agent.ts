// Wires the real edges (etcd, PostgreSQL, the REST API, peers, the clock) around the HA loop
// and runs it until SIGTERM or SIGINT, when it stops PostgreSQL and hands over leadership.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallbackExecutor } from './callbacks/callback-executor.js';
import { CallbackPostgres } from './callbacks/callback-postgres.js';
import { failsafeConfirmationsOver } from './api/failsafe-confirmations.js';
import { IpVirtualAddress } from './vip/ip-virtual-address.js';
import { VipHolder } from './vip/vip-holder.js';
import { createPeerClient, createPeerExchange, peerSourceOf } from './api/peer-client.js';
import { startApiServer } from './api/api-server.js';
import type { NodeState } from './ha/node-state.js';
import { systemClock } from './clock/clock.js';
import { postgresSettings } from './config/postgres-settings.js';
import { dcsLayout } from './contract/dcs-layout.js';
import { parseListenAddress } from './contract/host-port.js';
import type { AgentConfig } from './contract/schema-types.js';
import { EtcdGatewayKv } from './dcs/etcd-gateway-kv.js';
import type { EtcdConnection } from './dcs/etcd-connection.js';
import { KvDcs, type DcsTiming } from './dcs/kv-dcs.js';
import { HaLoop } from './ha/ha-loop.js';
import { haSettings } from './ha/ha-settings.js';
import type { Logger } from './logging/logger.js';
import { OperatorRequests } from './operator-requests.js';
import { PgCtlController } from './postgres/pg-ctl-controller.js';
import { runProcess } from './postgres/process-runner.js';
import { LinuxWatchdogDevice } from './watchdog/linux-watchdog-device.js';
import { Watchdog } from './watchdog/watchdog.js';

const CONNECT_TIMEOUT_MS = 2000;

function etcdConnection(config: AgentConfig): EtcdConnection {
  const { etcd } = config;
  return {
    hosts: etcd.hosts,
    protocol: etcd.protocol,
    plainHttpFallback: etcd.plain_http_fallback,
    ...(etcd.username !== undefined ? { auth: { username: etcd.username, password: etcd.password ?? '' } } : {}),
    ...(etcd.cacert || etcd.cert
      ? {
          tls: {
            ...(etcd.cacert ? { ca: readFileSync(etcd.cacert) } : {}),
            ...(etcd.cert ? { cert: readFileSync(etcd.cert) } : {}),
            ...(etcd.key ? { key: readFileSync(etcd.key) } : {}),
          },
        }
      : {}),
  };
}

/** Runs the agent; resolves once it has stopped after a signal. */
export async function runAgent(config: AgentConfig, version: string, log: Logger): Promise<void> {
  const clock = systemClock;
  const { restapi } = config;
  const listen = parseListenAddress(restapi.listen);
  if (!listen) throw new Error(`restapi.listen "${restapi.listen}" is not address:port`);
  const tls = restapi.certfile && restapi.keyfile ? { cert: readFileSync(restapi.certfile), key: readFileSync(restapi.keyfile), ...(restapi.cafile ? { ca: readFileSync(restapi.cafile) } : {}) } : undefined;

  let timing: DcsTiming = { ttl: config.bootstrap.dcs.ttl, retry_timeout: config.bootstrap.dcs.retry_timeout };
  const dcs = new KvDcs({ kv: new EtcdGatewayKv(etcdConnection(config)), layout: dcsLayout(config.namespace, config.scope), name: config.name, clock, timing: () => timing });
  const callbacks = new CallbackExecutor(
    { commands: config.postgresql.callbacks ?? {}, scope: config.scope, timeoutMs: config.postgresql.callback_timeout * 1000 },
    (argv, options) => runProcess(argv[0]!, argv.slice(1), { timeoutMs: options.timeoutMs, cancel: options.cancel, ownProcessGroup: true }),
    log,
  );
  const pgCtl = new PgCtlController({
    dataDir: config.postgresql.data_dir,
    binDir: config.postgresql.bin_dir,
    settings: postgresSettings(config, undefined),
    pgCtlTimeoutSeconds: config.postgresql.pg_ctl_timeout,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    log: (message) => log.log('warn', message),
  });
  const postgres = new CallbackPostgres(pgCtl, callbacks);
  const watchdog = new Watchdog({
    device: new LinuxWatchdogDevice({ path: config.watchdog.device, sysfsClassDir: join(config.watchdog.sysfs, 'class', 'watchdog') }),
    clock,
    settings: { mode: config.watchdog.mode, safetyMargin: config.watchdog.safety_margin },
  });
  const vip = config.vip ? new VipHolder(new IpVirtualAddress({ vip: config.vip }), clock, log) : undefined;
  await vip?.clearStale().catch((error: unknown) => log.log('error', `could not remove a virtual address left behind: ${String(error)}`));
  const peerOptions = {
    ...(restapi.authentication ? { auth: restapi.authentication } : {}),
    ...(restapi.cafile ? { ca: readFileSync(restapi.cafile) } : {}),
  };
  const fetchPeerStatus = createPeerClient(peerOptions);

  let latest: NodeState = {
    name: config.name,
    scope: config.scope,
    version,
    postgres: await postgres.observe(),
    postgresState: 'stopped',
    leaderUntil: undefined,
    cluster: undefined,
    clusterReadAt: undefined,
    dcsLastSeen: undefined,
    tags: config.tags,
    settings: haSettings(undefined, config.bootstrap.dcs),
    lastDecision: undefined,
    lastCycleAt: undefined,
    watchdog: watchdog.status(),
    failsafeUntil: undefined,
  };
  // The loop publishes to the operator requests, which need the loop: bound once both exist.
  const published: { requests?: OperatorRequests } = {};
  const loop = new HaLoop({
    name: config.name,
    scope: config.scope,
    version,
    dcs,
    postgres,
    peers: peerSourceOf(fetchPeerStatus),
    failsafe: failsafeConfirmationsOver(createPeerExchange(peerOptions)),
    clock,
    log,
    tags: config.tags,
    // While it serves plain HTTP too, the plain URL: members and tools not moved to HTTPS yet reach it there.
    addresses: { postgres: config.postgresql.connect_address, api: `${tls && !restapi.plain_http_fallback ? 'https' : 'http'}://${restapi.connect_address}` },
    watchdog,
    ...(vip ? { vip } : {}),
    bootstrap: { dcs: config.bootstrap.dcs, initdb: config.bootstrap.initdb },
    postgresSettings: (live, synchronousStandbyNames) => postgresSettings(config, live, synchronousStandbyNames),
    publish: (state) => {
      latest = state;
      timing = { ttl: state.settings.ttlMs / 1000, retry_timeout: state.settings.retryTimeoutMs / 1000 };
      published.requests?.onState(state);
    },
  });
  const operator = new OperatorRequests(loop.tasks, postgres, clock, log);
  published.requests = operator;

  const api = await startApiServer(
    {
      state: () => latest,
      clock,
      dcs,
      fetchPeerStatus,
      wake: () => loop.wake(),
      restart: (request) => operator.restart(request),
      cancelScheduledRestart: () => operator.cancelScheduledRestart(),
      reinitialize: (request) => operator.reinitialize(request),
      reload: () => loop.reapplySettings(),
      acceptFailsafe: (call) => loop.acceptFailsafe(call),
      log,
    },
    { host: listen.hosts[0] === '*' ? '' : (listen.hosts[0] ?? ''), port: listen.port, ...(restapi.authentication ? { auth: restapi.authentication } : {}), ...(tls ? { tls, plainHttpFallback: restapi.plain_http_fallback } : {}) },
  );
  log.log('info', `pgha-agent ${version}: member ${config.name} of cluster ${config.scope}, REST API on ${api.url}`);

  const running = loop.run();
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.log('info', `${signal}: stopping`);
      resolve();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGHUP', () => loop.reapplySettings());
  });
  await loop.stop();
  await running;
  await api.close();
  await dcs.close();
  await postgres.close();
  log.log('info', 'stopped');
}
