// The cluster's PKI as a run of plan or apply sees it: the local material (read when the run
// starts; created by apply only), the REST API access it gives, certificates issued from its CA,
// and the refusal to re-key hosts whose certificates come from a CA this machine does not hold.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { agentApiAccess, materialNeeds, type AgentApiAccess } from '../desired/agent-api-access.js';
import type { Secrets } from '../desired/secrets.js';
import type { DesiredResource } from '../resources/desired-resource.js';
import { UserError } from '../user-error.js';
import type { CertificateVerdict } from './certificate-check.js';
import { ensureLocalMaterial, missingMaterial, readLocalMaterial, type LocalMaterial } from './local-material.js';
import type { CertificateIssuer, KeyPair } from './openssl-issuer.js';

export interface ClusterPki {
  access(): AgentApiAccess;
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

export function clusterPki(spec: ClusterSpec, specDirectory: string, issuer: CertificateIssuer, secrets: Secrets): ClusterPki {
  const cluster = spec.metadata.name;
  const needs = materialNeeds(spec);
  let material: LocalMaterial = readLocalMaterial(specDirectory, cluster);
  return {
    access: () => agentApiAccess(spec, material, secrets),
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
