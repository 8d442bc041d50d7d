// What plan and apply share: load and check the spec, resolve its secrets, connect to every host
// and to the cluster, refresh, and build the plan.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { localRelease, type LocalRelease } from '../desired/local-release.js';
import { Secrets } from '../desired/secrets.js';
import { loadDigestKey } from '../plan/digest-key.js';
import type { Plan } from '../plan/plan.js';
import { PLAN_FORMAT } from '../plan/plan.js';
import { loadCheckedSpec } from '../spec/checked-spec.js';
import type { SpecSource } from '../spec/spec-source.js';
import { clusterPki, type ClusterPki } from '../pki/cluster-pki.js';
import type { CertificateIssuer } from '../pki/openssl-issuer.js';
import { agentApiClient } from '../transport/agent-api-client.js';
import type { ClusterWriter } from '../transport/cluster-access.js';
import type { CommandLog } from '../transport/command-log.js';
import type { Connector } from '../transport/connector.js';
import type { HostConnections } from '../transport/host-connections.js';
import { readOnlyView } from '../transport/ssh-transport.js';
import type { ReadTransport } from '../transport/transport.js';
import { buildPlan } from './build-plan.js';
import { digester } from './digest.js';
import { departedHosts, type DepartedHost } from './departed-hosts.js';
import { refresh, type Refreshed } from './refresh.js';

export interface SessionOptions {
  file: string;
  ref?: string;
  acceptNewHostKeys: boolean;
  parallelism: number;
  /** dist/agent/bin of this pgha: the release every host gets. */
  bundleDir: string;
  pghaVersion: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Makes the cluster CA and the hosts' certificates. */
  issuer: CertificateIssuer;
  /** Opens the SSH connections and the cluster access. */
  connect: Connector;
  /** --purge-data: the data directories of hosts dropped from the spec are deleted, not left in place. */
  purgeData: boolean;
  /** PGHA_LOG=debug: each remote command, its exit status and duration. */
  commandLog?: CommandLog;
  /** Where spec diagnostics go before the run stops on them. */
  reportDiagnostics(file: string, diagnostics: readonly Diagnostic[]): void;
}

export interface Session {
  spec: ClusterSpec;
  source: SpecSource;
  secrets: Secrets;
  connections: HostConnections;
  /** Hosts dropped from the spec that the cluster still knows (see departed-hosts). */
  departed: DepartedHost[];
  cluster: ClusterWriter;
  release: LocalRelease;
  pki: ClusterPki;
  refreshed: Refreshed;
  plan: Plan;
  /** Refreshes again and builds a new plan (a saved plan is checked against it). */
  replan(): Promise<Plan>;
  close(): void;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const { spec, source } = await loadCheckedSpec(options.file, options.ref, options.reportDiagnostics, 'any host');
  const secrets = new Secrets({ specDirectory: source.directory, env: options.env });
  const release = await localRelease(options.bundleDir, options.pghaVersion);
  const digest = digester(await loadDigestKey(options.env));
  const pki = clusterPki(spec, source.directory, options.issuer, secrets);
  const cluster = options.connect.cluster(spec, secrets, { etcdClient: () => pki.etcdClient(), agentApi: () => agentApiClient(pki.access(), secrets) }, (host, address, port) => connections.forward(host, address, port));
  let connections: HostConnections;
  let departed: DepartedHost[];
  try {
    // Without etcd (bare hosts) nothing is remembered, and the second question would only wait as long again.
    const records = await cluster.memberRecords();
    departed = departedHosts(spec, records, records === 'unreachable' ? 'unreachable' : await cluster.etcdMembers());
    connections = await options.connect.hosts(spec, { specDirectory: source.directory, acceptNewHostKeys: options.acceptNewHostKeys, parallelism: options.parallelism, env: options.env, ...(options.commandLog && { commandLog: options.commandLog }) }, departed);
  } catch (error) {
    cluster.close();
    throw error;
  }
  const readers = new Map<string, ReadTransport>([...connections.transports].map(([name, t]) => [name, readOnlyView(t)]));
  const reader = (host: string): ReadTransport => {
    const transport = readers.get(host);
    if (!transport) throw new Error(`no connection to host ${host}`);
    return transport;
  };
  const header = {
    format_version: PLAN_FORMAT as typeof PLAN_FORMAT,
    pgha_version: options.pghaVersion,
    cluster: spec.metadata.name,
    spec: {
      file: options.file,
      ...(source.git && { ref: source.git.ref, commit: source.git.commit }),
      digest: createHash('sha256').update(source.text).digest('hex'),
    },
    digest_key: digest.keyId,
    ...(options.purgeData && { purge_data: true }),
  };
  const departures = { hosts: departed, unreachable: connections.unreachable, purge: options.purgeData };
  const plan = async (): Promise<{ refreshed: Refreshed; plan: Plan }> => {
    const refreshed = await refresh(spec, secrets, { api: pki.access(), etcd: pki.etcdSecurity() }, release, { transport: reader, cluster }, options.parallelism, departures);
    pki.refuseForeignHeld(refreshed.desired.resources, refreshed.observed);
    const built = buildPlan({ ...header, created_at: options.now().toISOString(), warnings: [] }, refreshed.desired.resources, refreshed.observed, digest.of);
    return { refreshed, plan: built };
  };
  const close = (): void => {
    connections.close();
    cluster.close();
  };
  try {
    const first = await plan();
    const session: Session = {
      spec, source, secrets, connections, departed, cluster, release, pki, ...first, close,
      async replan() {
        const next = await plan();
        session.refreshed = next.refreshed;
        session.plan = next.plan;
        return next.plan;
      },
    };
    return session;
  } catch (error) {
    close();
    throw error;
  }
}
