// What apply builds is locked by default; every opt-out the spec writes is warned about.
import { warning, type SpecRule } from './spec-rule.js';

export const insecureOptOuts: SpecRule = {
  name: 'insecure',
  check: (spec) => [
    ...(spec.agent.insecure
      ? [warning(['agent', 'insecure'], "the agents' REST API serves plain HTTP: anyone on the network can read its answers, pose as an agent to HAProxy and the other agents, and read the Basic credentials pgha sends to it; remove it to serve HTTPS with certificates from the cluster CA")]
      : []),
    ...(spec.etcd.insecure
      ? [warning(['etcd', 'insecure'], 'etcd serves plain HTTP without authentication: anyone who reaches its client port can rewrite the leader key and the cluster configuration; remove it to have TLS with certificates from the cluster CA, client certificates and etcd users')]
      : []),
  ],
};
