import type { CertificateInfo } from '@sealpost/core';
import { SealpostError, parseBer, parseCertificate, pemEncode } from '@sealpost/core';
import { KEY_OID } from './algorithms.js';
import { oidIs } from './bytes.js';

/** What kind of key a certificate holds, as far as choosing openssl options goes. */
export type KeyKind = { readonly kind: 'rsa'; readonly pssOnly: boolean } | { readonly kind: 'ec'; readonly curve: string } | { readonly kind: 'other'; readonly name: string };

export interface Certificate {
  readonly der: Uint8Array;
  readonly info: CertificateInfo;
  readonly key: KeyKind;
}

/** Parses a DER certificate; ERR_CERTIFICATE_MALFORMED names its role when it cannot be read. */
export function readCertificate(der: Uint8Array, role: string): Certificate {
  if (!(der instanceof Uint8Array)) throw new TypeError(`the ${role} certificate must be a Uint8Array`);
  let info: CertificateInfo;
  try {
    info = parseCertificate(der);
  } catch (error) {
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`, { cause: error });
  }
  return { der, info, key: keyKindOf(info) };
}

function keyKindOf(info: CertificateInfo): KeyKind {
  const key = info.publicKey;
  if (key.type === 'rsa') return { kind: 'rsa', pssOnly: spkiAlgorithmIs(info.spki, KEY_OID.rsaPss) };
  if (key.type === 'ec') return { kind: 'ec', curve: key.curve };
  return { kind: 'other', name: key.type === 'unknown' ? key.oid : key.type };
}

function spkiAlgorithmIs(spki: Uint8Array, oid: string): boolean {
  try {
    const algorithm = parseBer(spki).children[0]?.children[0];
    return algorithm !== undefined && oidIs(algorithm, oid);
  } catch {
    return false;
  }
}

export function certificatePem(der: Uint8Array): string {
  return pemEncode(der, 'CERTIFICATE');
}
