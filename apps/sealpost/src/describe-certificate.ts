import { createHash } from 'node:crypto';
import { type PublicKeyInfo, parseCertificate } from '@sealpost/core';

/** What `inspect` says about a certificate: who it names, who vouches for it, when, and for which key. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** At the time of inspection. */
  readonly validity: 'valid' | 'not yet valid' | 'expired';
  readonly addresses: readonly string[];
  /** As keygen names them: rsa-2048, ec-p256, ed25519, ml-dsa-65, ... */
  readonly keyType: string;
  /** SHA-256 of the DER, lower-case hex: what `keys list` and the reports show. */
  readonly sha256: string;
  readonly ca: boolean;
  readonly selfSigned: boolean;
  readonly keyUsage: readonly string[] | null;
}

export function summarizeCertificate(der: Uint8Array, now: Date = new Date()): CertificateSummary {
  const info = parseCertificate(der);
  return {
    subject: info.subject,
    issuer: info.issuer,
    serial: info.serial,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    validity: now < info.notBefore ? 'not yet valid' : now > info.notAfter ? 'expired' : 'valid',
    addresses: info.emailAddresses,
    keyType: keyTypeName(info.publicKey),
    sha256: createHash('sha256').update(der).digest('hex'),
    ca: info.isCA,
    selfSigned: info.selfIssued,
    keyUsage: info.keyUsage,
  };
}

/** keygen's names for key types, so that what inspect prints can be given back to `keygen --key-type`. */
export function keyTypeName(key: PublicKeyInfo): string {
  switch (key.type) {
    case 'rsa':
      return `rsa-${key.bits}`;
    case 'ec':
      return `ec-${key.curve.toLowerCase().replace('-', '')}`;
    case 'ml-kem':
    case 'ml-dsa':
      return key.parameterSet;
    case 'unknown':
      return `unknown (${key.oid})`;
    default:
      return key.type;
  }
}

/** The lines of one certificate, each label padded as the other reports pad theirs. */
export function certificateLines(c: CertificateSummary, indent: string): string[] {
  const role = [c.ca ? 'CA' : '', c.selfSigned ? 'self-signed' : ''].filter(Boolean).join(', ');
  return [
    `${indent}subject:    ${c.subject}${role === '' ? '' : ` (${role})`}`,
    `${indent}issuer:     ${c.issuer}`,
    `${indent}serial:     ${c.serial}`,
    `${indent}valid:      ${c.notBefore} to ${c.notAfter} (${c.validity})`,
    `${indent}addresses:  ${c.addresses.length === 0 ? '(none)' : c.addresses.join(', ')}`,
    `${indent}key:        ${c.keyType}${c.keyUsage === null ? '' : ` (${c.keyUsage.join(', ')})`}`,
    `${indent}sha-256:    ${c.sha256}`,
  ];
}
