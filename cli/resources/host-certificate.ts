// A host's key and certificate from the cluster CA. A certificate differs in every byte each time
// it is issued (serial, key, signature), so it is not compared with a rendering: the one on the
// host is kept while it passes the check of cli/pki/certificate-check.ts, and issued again (with
// a new key, on the machine running pgha) only when it does not. The key never leaves that
// machine but for the host, and no plan shows it.
import { checkCertificate, type CertificateVerdict } from '../pki/certificate-check.js';
import type { ObservedFile } from '../transport/transport.js';
import type { HostCertificateResource } from './desired-resource.js';
import { attributeChanges } from './file-attributes.js';
import { WRITE_SCRIPT } from './file.js';
import { mustRun, type ResourceHandler, type StateValues } from './resource-handler.js';
import { runServiceAction } from './service.js';

export type ObservedHostCertificate = CertificateVerdict & {
  /** Mode or owner of the certificate or key file that differ from the resource's. */
  attributes?: string[];
};

const KEY_MODE = '600';
const CERT_MODE = '644';

function attributeProblems(resource: HostCertificateResource, cert: ObservedFile | undefined, key: ObservedFile | undefined): string[] {
  const of = (file: ObservedFile | undefined, mode: string, what: string): string[] =>
    file ? attributeChanges({ mode, owner: resource.owner, group: resource.group }, file).map((change) => `${what}: ${change}`) : [];
  return [...of(cert, CERT_MODE, 'certificate'), ...of(key, KEY_MODE, 'key')];
}

function issueLine(resource: HostCertificateResource): string {
  const from = resource.ca === undefined ? 'the cluster CA, which apply creates first' : 'the cluster CA';
  return `a new key (sensitive) and a certificate for ${resource.addresses.join(', ')} from ${from}`;
}

/** The certificate a host holds as data (never its key): the check's verdict, and whether modes and owner are as wanted. */
function certificateValues(resource: HostCertificateResource, observed: ObservedHostCertificate): StateValues {
  if (observed.state === 'absent') return null;
  const verdict = observed.state === 'valid' ? { valid: true, fingerprint: observed.fingerprint, expires: observed.expires } : { valid: false, problem: observed.problem };
  return { cert: resource.cert, key: resource.key, ...verdict, attributes_ok: observed.attributes === undefined };
}

export const hostCertificateHandler: ResourceHandler<HostCertificateResource, ObservedHostCertificate> = {
  async read(resource, context) {
    const transport = context.transport(resource.host);
    const [cert, key] = await Promise.all([transport.readFile(resource.cert), transport.readFile(resource.key)]);
    const verdict = checkCertificate({ cert: cert?.content, key: key?.content }, { ca: resource.ca, addresses: resource.addresses }, new Date());
    const attributes = attributeProblems(resource, cert, key);
    return attributes.length > 0 ? { ...verdict, attributes } : verdict;
  },

  diff(resource, observed) {
    const values = { before: certificateValues(resource, observed), after: { cert: resource.cert, key: resource.key, valid: true, addresses: resource.addresses, attributes_ok: true } };
    if (observed.state === 'absent') return { action: 'create', details: [issueLine(resource)], values };
    if (observed.state === 'invalid') {
      return { action: 'replace', details: [`the certificate there is not kept: ${observed.problem}`, issueLine(resource)], values };
    }
    if (observed.attributes) return { action: 'update', details: observed.attributes, values };
    return undefined;
  },

  async apply(resource, observed, context) {
    const transport = context.transport(resource.host);
    const owner = `${resource.owner}:${resource.group}`;
    if (observed.state === 'valid') {
      await mustRun(transport, ['sh', '-c', 'set -e; chown "$1" "$2" "$3"; chmod "$4" "$2"; chmod "$5" "$3"', 'pgha-chmod', owner, resource.cert, resource.key, CERT_MODE, KEY_MODE], `setting the mode of ${resource.key}`);
      return undefined;
    }
    const issued = await context.issueCertificate(resource.addresses);
    const write = async (path: string, content: string, mode: string): Promise<void> => {
      await mustRun(transport, ['sh', '-c', WRITE_SCRIPT, 'pgha-write', `${path}.pgha-new`, owner, mode], `writing ${path}`, Buffer.from(content));
    };
    await write(resource.key, issued.key, KEY_MODE);
    await write(resource.cert, issued.cert, CERT_MODE);
    await mustRun(transport, ['sh', '-c', 'set -e; mv -f "$1.pgha-new" "$1"; mv -f "$2.pgha-new" "$2"', 'pgha-rename', resource.key, resource.cert], `renaming ${resource.cert}`);
    if (resource.onChange) await runServiceAction(context, resource.host, resource.onChange);
    return `issued a certificate for ${resource.addresses.join(', ')} from the cluster CA`;
  },
};
