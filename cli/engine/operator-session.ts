// What the operator commands share: the spec, its secrets and the cluster CA beside it, and the
// cluster's etcd and agents reached directly, as patronictl reaches them. No SSH: an operator
// command reads and changes the cluster through its own control plane only.
import type { Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { Secrets } from '../desired/secrets.js';
import { clusterPki } from '../pki/cluster-pki.js';
import type { CertificateIssuer } from '../pki/openssl-issuer.js';
import { loadCheckedSpec } from '../spec/checked-spec.js';
import { agentApiClient } from '../transport/agent-api-client.js';
import type { ClusterWriter } from '../transport/cluster-access.js';
import type { Connector } from '../transport/connector.js';
import { UserError } from '../user-error.js';

export interface OperatorSessionOptions {
  file: string;
  ref?: string;
  env: NodeJS.ProcessEnv;
  issuer: CertificateIssuer;
  connect: Connector;
  reportDiagnostics(file: string, diagnostics: readonly Diagnostic[]): void;
}

export interface OperatorSession {
  spec: ClusterSpec;
  /** The spec's directory: its relative paths (SSH keys, secrets) start there. */
  directory: string;
  secrets: Secrets;
  cluster: ClusterWriter;
  close(): void;
}

export async function openOperatorSession(options: OperatorSessionOptions): Promise<OperatorSession> {
  const { spec, source } = await loadCheckedSpec(options.file, options.ref, options.reportDiagnostics, 'the cluster');
  const secrets = new Secrets({ specDirectory: source.directory, env: options.env });
  const pki = clusterPki(spec, source.directory, options.issuer, secrets);
  const pending = pki.pending();
  if (pending) throw new UserError(`${pending} do not exist: this cluster was not built from here yet (run "pgha apply ${options.file}"), or its .pgha directory was not copied to this machine`);
  const noSsh = (): never => {
    throw new UserError('this command reaches the cluster without SSH, so it cannot open a session on PostgreSQL');
  };
  const cluster = options.connect.cluster(spec, secrets, { etcdClient: () => pki.etcdClient(), agentApi: () => agentApiClient(pki.access(), secrets) }, noSsh);
  return { spec, directory: source.directory, secrets, cluster, close: () => cluster.close() };
}
