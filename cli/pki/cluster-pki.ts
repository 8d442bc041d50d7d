// The cluster's PKI as a run of plan or apply sees it: the local material (read when the run
// starts; created by apply only), the REST API access it gives, certificates issued from its CA,
// and the refusal to re-key hosts whose certificates come from a CA this machine does not hold.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { agentApiAccess, materialNeeds, type AgentApiAccess } from '../desired/agent-api-access.js';
import { etcdAuth, etcdMaterialNeeds, etcdSecurity, etcdTlsMode, ETCD_ROOT_USER, type EtcdSecurity } from '../desired/etcd-access.js';
import { etcdTlsMaterial } from '../desired/etcd-tls.js';
import type { Secrets } from '../desired/secrets.js';
import type { EtcdClientSettings } from '../transport/cluster-access.js';
import type { DesiredResource } from '../resources/desired-resource.js';
import { UserError } from '../user-error.js';
import type { CertificateVerdict } from './certificate-check.js';
import { ensureLocalMaterial, missingMaterial, readLocalMaterial, type LocalMaterial, type MaterialNeeds } from './local-material.js';
import type { CertificateIssuer, KeyPair } from './openssl-issuer.js';

export interface ClusterPki {
  access(): AgentApiAccess;
  /** How etcd is secured: its TLS, the cluster CA and its users. */
  etcdSecurity(): EtcdSecurity;
  /** How pgha itself connects to etcd: a client certificate issued for this run (or the spec's own), and root's password. */
  etcdClient(): Promise<EtcdClientSettings>;
  /** What apply creates before it plans, in words; undefined when nothing is missing. */
  pending(): string | undefined;
  /** Creates what is missing (apply only). */
  create(): Promise<void>;
  issue(addresses: readonly string[]): Promise<KeyPair>;
  /**
   * Refuses a run that would create a new CA while the hosts hold certificates from another one:
   * the CA of this cluster is then missing here, and a new one would re-key every host.
   */
  refuseForeignHeld(desired: readonly DesiredResource[], observed: ReadonlyMap<string, unknown>): void;
}

/** The name in the certificate pgha presents to etcd, issued afresh for each run and never stored. */
const CLI_NAME = 'pgha-cli';
const CLI_CERTIFICATE_DAYS = 1;

/** What the local material must hold for the agents' API and for etcd. */
function allNeeds(spec: ClusterSpec): MaterialNeeds {
  const [api, etcd] = [materialNeeds(spec), etcdMaterialNeeds(spec)];
  return { ca: api.ca || etcd.ca, passwords: [...api.passwords, ...etcd.passwords] };
}

export function clusterPki(spec: ClusterSpec, specDirectory: string, issuer: CertificateIssuer, secrets: Secrets): ClusterPki {
  const cluster = spec.metadata.name;
  const needs = allNeeds(spec);
  let material: LocalMaterial = readLocalMaterial(specDirectory, cluster);
  return {
    access: () => agentApiAccess(spec, material, secrets),
    etcdSecurity: () => etcdSecurity(spec, material),
    async etcdClient() {
      const auth = etcdAuth(spec, material);
      // Not half-made: before apply generates root's password there is no etcd with users yet, and
      // settings without it would be kept for the whole run (see clusterAccess).
      if (auth && !auth.root.ref) throw new Error(`${auth.root.source} does not exist yet`);
      const root = auth?.root.ref && { username: ETCD_ROOT_USER, password: secrets.resolve(auth.root.ref, auth.root.source) };
      const mode = etcdTlsMode(spec);
      if (mode === 'none') return { ...(root && { root }) };
      if (mode === 'supplied') {
        const supplied = etcdTlsMaterial(spec, secrets);
        return { ...(supplied && { tls: { ca: supplied.ca, cert: supplied.cert, key: supplied.key } }), ...(root && { root }) };
      }
      // Before apply creates the CA there is no etcd to reach either: asked again once it exists.
      if (!material.ca) throw new Error('the cluster CA does not exist yet, so no etcd serves with it');
      const identity = await issuer.issue(material.ca, [CLI_NAME], CLI_CERTIFICATE_DAYS);
      return { tls: { ca: material.ca.cert, ...identity }, ...(root && { root }) };
    },
    pending: () => missingMaterial(material, needs),
    async create() {
      material = await ensureLocalMaterial(specDirectory, cluster, needs, issuer);
    },
    issue(addresses) {
      if (!material.ca) throw new Error('the cluster CA does not exist yet; apply creates it before it plans');
      return issuer.issue(material.ca, addresses);
    },
    refuseForeignHeld(desired, observed) {
      if (material.ca) return;
      const foreign = desired.flatMap((resource) => {
        const verdict = observed.get(resource.id) as CertificateVerdict | undefined;
        return resource.kind === 'host_certificate' && verdict?.state === 'invalid' && verdict.foreignIssuer ? [`${resource.host} (${resource.cert}, from ${verdict.foreignIssuer})`] : [];
      });
      if (foreign.length === 0) return;
      throw new UserError(
        `there is no cluster CA in ${material.shown}/, but ${foreign.join(', ')} already hold${foreign.length === 1 ? 's' : ''} a certificate from a CA: ` +
          `copy ${material.shown}/ from the machine that first applied this cluster; to re-key the cluster with a new CA instead, delete those certificates on the hosts first`,
      );
    },
  };
}
