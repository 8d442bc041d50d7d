// Whether a certificate a host holds is still the one to keep: signed by the cluster CA, naming
// the host's addresses, without a Common Name, not expiring soon, and matching its key. A
// certificate that passes is kept, so a plan made right after an apply shows no change although
// a new certificate would differ in every byte (serial number, key, signature).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** A certificate expiring sooner than this is issued again. */
export const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export type CertificateVerdict =
  | { state: 'absent' }
  | { state: 'valid'; fingerprint: string; expires: string }
  /** `foreignIssuer`: the issuer's name, when another CA signed it. */
  | { state: 'invalid'; problem: string; foreignIssuer?: string };

export interface HeldCertificate {
  cert: string | undefined;
  key: string | undefined;
}

function parsed(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

const oneLine = (name: string): string => name.split('\n').join(', ');

export function namesAddress(certificate: X509Certificate, address: string): boolean {
  return (isIP(address) ? certificate.checkIP(address) : certificate.checkHost(address)) !== undefined;
}

export function hasCommonName(certificate: X509Certificate): boolean {
  return /^CN=/m.test(certificate.subject);
}

function keyMatches(certificate: X509Certificate, key: string): boolean {
  try {
    return certificate.checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

/** The verdict on `held`; `ca` is undefined when the cluster CA does not exist yet. */
export function checkCertificate(held: HeldCertificate, expected: { ca: string | undefined; addresses: readonly string[] }, now: Date): CertificateVerdict {
  if (held.cert === undefined) return { state: 'absent' };
  const certificate = parsed(held.cert);
  if (!certificate) return { state: 'invalid', problem: 'the file there is not a PEM certificate' };
  const authority = expected.ca === undefined ? undefined : parsed(expected.ca);
  if (!authority || certificate.issuer !== authority.subject || !certificate.verify(authority.publicKey)) {
    return { state: 'invalid', problem: `it was issued by another CA (${oneLine(certificate.issuer)})`, foreignIssuer: oneLine(certificate.issuer) };
  }
  const unnamed = expected.addresses.filter((address) => !namesAddress(certificate, address));
  if (unnamed.length > 0) return { state: 'invalid', problem: `it does not name ${unnamed.join(', ')}` };
  if (hasCommonName(certificate)) return { state: 'invalid', problem: 'it has a Common Name' };
  if (Date.parse(certificate.validFrom) > now.getTime()) return { state: 'invalid', problem: `it is valid only from ${certificate.validFrom}` };
  if (Date.parse(certificate.validTo) - now.getTime() < RENEW_BEFORE_MS) return { state: 'invalid', problem: `it expires ${certificate.validTo} (in less than 30 days)` };
  if (held.key === undefined || !keyMatches(certificate, held.key)) return { state: 'invalid', problem: 'its private key is missing or does not match it' };
  return { state: 'valid', fingerprint: certificate.fingerprint256, expires: certificate.validTo };
}
