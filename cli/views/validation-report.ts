// What `pgha validate` prints for each file: a one-line summary, or the file's problems.
import type { Diagnostic } from '../../agent/contract/document/diagnostic.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole, type Role } from '../spec/host-roles.js';
import type { SpecSource } from '../spec/spec-source.js';

export interface FileValidation {
  file: string;
  source?: SpecSource;
  spec?: ClusterSpec;
  diagnostics: Diagnostic[];
  /** Set when the file could not be read at all (missing file, unknown Git ref). */
  readError?: string;
}

const ROLES: readonly Role[] = ['postgres', 'etcd', 'haproxy'];

function hostsByRole(spec: ClusterSpec): Record<Role, string[]> {
  return Object.fromEntries(ROLES.map((role) => [role, hostsWithRole(spec, role).map(({ host }) => host.name)])) as Record<Role, string[]>;
}

/** `FILE` or `FILE at REF (commit 1a2b3c4d5e6f)`. */
export function fileLabel(file: string, source?: SpecSource): string {
  return source?.git ? `${file} at ${source.git.ref} (commit ${source.git.commit.slice(0, 12)})` : file;
}

export function summaryLine(validation: FileValidation & { spec: ClusterSpec }): string {
  const { spec } = validation;
  const byRole = hostsByRole(spec);
  const roles = ROLES.filter((role) => byRole[role].length > 0)
    .map((role) => `${role}: ${byRole[role].join(', ')}`)
    .join('; ');
  const warnings = validation.diagnostics.filter((d) => d.severity === 'warning').length;
  const warned = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  const hosts = `${spec.hosts.length} host${spec.hosts.length === 1 ? '' : 's'}`;
  return `${fileLabel(validation.file, validation.source)}: valid: cluster "${spec.metadata.name}" (namespace ${spec.metadata.namespace}), ${hosts} (${roles})${warned}`;
}

export function validationJson(validations: readonly FileValidation[]): string {
  const documents = validations.map((v) => ({
    file: v.file,
    ref: v.source?.git?.ref ?? null,
    commit: v.source?.git?.commit ?? null,
    valid: v.spec !== undefined,
    ...(v.readError !== undefined ? { error: v.readError } : {}),
    ...(v.spec ? { cluster: v.spec.metadata.name, namespace: v.spec.metadata.namespace, hosts: hostsByRole(v.spec) } : {}),
    diagnostics: v.diagnostics.map((d) => ({ file: v.file, ...d })),
  }));
  return `${JSON.stringify(documents, null, 2)}\n`;
}
