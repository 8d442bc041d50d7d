import type { DocPath } from '../../../agent/contract/document/doc-path.js';
import type { ClusterSpec, Host } from '../../../agent/contract/schema-types.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

function sshEndpoint(spec: ClusterSpec, host: Host): string {
  return `${host.ssh?.address ?? host.address}:${host.ssh?.port ?? spec.ssh.port}`;
}

function hasSshOverride(host: Host): boolean {
  return Boolean(host.ssh?.address ?? host.ssh?.port);
}

export const uniqueHosts: SpecRule = {
  name: 'unique-hosts',
  check(spec) {
    const findings: Finding[] = [];
    const firstUse = new Map<string, number>();
    const claim = (kind: string, value: string, index: number, report: (first: number) => Finding | undefined): void => {
      const key = `${kind}\0${value}`;
      const first = firstUse.get(key);
      if (first === undefined) firstUse.set(key, index);
      else {
        const finding = report(first);
        if (finding) findings.push(finding);
      }
    };
    const usedBy = (first: number): string => `hosts[${first}] (${spec.hosts[first]!.name})`;
    spec.hosts.forEach((host, i) => {
      const at = (key: string): DocPath => ['hosts', i, key];
      claim('name', host.name, i, (first) => error(at('name'), `host name "${host.name}" is already used by ${usedBy(first)}`));
      claim('address', host.address, i, (first) => error(at('address'), `address "${host.address}" is already used by ${usedBy(first)}`));
      const endpoint = sshEndpoint(spec, host);
      claim('ssh', endpoint, i, (first) =>
        hasSshOverride(host) || hasSshOverride(spec.hosts[first]!)
          ? error(at(hasSshOverride(host) ? 'ssh' : 'address'), `SSH endpoint ${endpoint} is already used by ${usedBy(first)}`)
          : undefined,
      );
    });
    return findings;
  },
};
