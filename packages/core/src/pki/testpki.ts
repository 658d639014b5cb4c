/**
 * Test identities made with WebCrypto: a CA, intermediates, and S/MIME end-entity certificates
 * shaped like those public CAs issue. For tests, demos and `sealpost keygen`; never for production.
 */
import { SealpostError } from '../errors.js';
import { normalizeAddress, parseCertificate } from './certificate.js';
import { OID } from '../asn1/oids.js';
import type { ContentCipher } from '../backend.js';
import { smimeCapabilitiesDer } from '../cms/smime-capabilities.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoints,
  extendedKeyUsage,
  generateKeyPair,
  importSigningKey,
  keyIdentifier,
  keyUsage,
  nameDer,
  signCertificate,
  subjectAltNameEmail,
  subjectKeyIdentifier,
  type ExtensionSpec,
  type TestSigningKey,
} from './testcert.js';
import type { TestCa, TestIdentity, TestKeyType } from './types.js';

const HOUR = 60 * 60 * 1000;

/** RFC 8410 5 and RFC 9216: an Ed25519 certificate signs, an X25519 one agrees, as two certificates. */
const CURVE25519_USAGES: Readonly<Partial<Record<TestKeyType, readonly string[]>>> = {
  ed25519: ['digitalSignature', 'nonRepudiation'],
  x25519: ['keyAgreement'],
};
const YEAR = 365 * 24 * HOUR;

export interface TestCaOptions {
  readonly commonName?: string;
  readonly keyType?: TestKeyType;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Issue an intermediate CA under this CA instead of a self-signed root. */
  readonly issuer?: TestCa;
  /** basicConstraints pathLenConstraint; absent means unlimited. */
  readonly pathLength?: number;
  /** For an intermediate: where its issuer's CRL is served (an http: URL in cRLDistributionPoints); none by default. */
  readonly crlDistributionPoint?: string;
}

export interface TestIdentityOptions {
  readonly email: string;
  readonly keyType?: TestKeyType;
  /** Issuing CA; without one the certificate is self-signed. */
  readonly ca?: TestCa;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Subject CN; default the e-mail address. */
  readonly commonName?: string;
  /** Content ciphers for an smimeCapabilities extension (RFC 4262); none by default, as public CAs issue. */
  readonly smimeCapabilities?: readonly ContentCipher[];
  /** Where the issuing CA's CRL is served (an http: URL in cRLDistributionPoints, see generateTestCrl); none by default. */
  readonly crlDistributionPoint?: string;
}

function validity(notBefore: Date | undefined, notAfter: Date | undefined, lifetime: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  const from = notBefore ?? new Date(now - HOUR);
  const to = notAfter ?? new Date(now + lifetime);
  if (!(to.getTime() > from.getTime())) throw new RangeError('test certificate: notAfter must be later than notBefore');
  return { notBefore: from, notAfter: to };
}

interface Issuer {
  readonly name: Uint8Array;
  readonly key: TestSigningKey;
  readonly keyType: TestKeyType;
  readonly keyId: Uint8Array;
  readonly chain: readonly Uint8Array[];
}

async function issuerOf(ca: TestCa): Promise<Issuer> {
  const info = parseCertificate(ca.certificate);
  return {
    name: info.subjectDer,
    key: await importSigningKey(ca.privateKey.der, ca.keyType),
    keyType: ca.keyType,
    keyId: keyIdentifier(info.spki),
    // What a holder of a certificate from this CA sends along: this CA unless it is the root.
    chain: info.selfIssued ? [] : [ca.certificate, ...ca.chain],
  };
}

/** A test CA: a self-signed root by default, or an intermediate when `issuer` is given. */
export async function generateTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const keyType = options.keyType ?? 'rsa-2048';
  const commonName = options.commonName ?? 'Sealpost Test CA';
  const period = validity(options.notBefore, options.notAfter, 10 * YEAR);
  const keys = await generateKeyPair(keyType);
  const subject = nameDer([
    [OID.organizationName, 'Sealpost Test'],
    [OID.commonName, commonName],
  ]);
  const keyId = keyIdentifier(keys.spki);
  const issuer = options.issuer === undefined ? null : await issuerOf(options.issuer);
  const extensions: ExtensionSpec[] = [
    basicConstraints(true, options.pathLength),
    keyUsage(['keyCertSign', 'cRLSign']),
    subjectKeyIdentifier(keyId),
    ...(issuer === null ? [] : [authorityKeyIdentifier(issuer.keyId)]),
    ...distributionPointExtension(options.crlDistributionPoint),
  ];
  const certificate = await signCertificate({ subject, issuer: issuer?.name ?? subject, spki: keys.spki, ...period, extensions }, issuer?.key ?? keys.privateKey, issuer?.keyType ?? keyType);
  return { certificate, privateKey: { type: 'pkcs8', der: keys.pkcs8 }, keyType, commonName, chain: issuer?.chain ?? [] };
}

function capabilitiesExtension(ciphers: readonly ContentCipher[] | undefined): ExtensionSpec[] {
  return ciphers === undefined || ciphers.length === 0 ? [] : [{ oid: OID.smimeCapabilities, critical: false, value: smimeCapabilitiesDer(ciphers) }];
}

function distributionPointExtension(uri: string | undefined): ExtensionSpec[] {
  return uri === undefined ? [] : [crlDistributionPoints(uri)];
}

/** An S/MIME end-entity identity for `email`, issued by `ca` or self-signed. */
export async function generateTestIdentity(options: TestIdentityOptions): Promise<TestIdentity> {
  const email = checkedAddress(options.email);
  const keyType = options.keyType ?? 'rsa-2048';
  const period = validity(options.notBefore, options.notAfter, YEAR);
  // An X25519 key only agrees (RFC 8410 5: keyAgreement), so a CA must sign its certificate.
  if (keyType === 'x25519' && options.ca === undefined) throw new TypeError('an x25519 test identity needs a CA: its key cannot sign its own certificate');
  // An ML-KEM key only receives (RFC 9935 5: keyEncipherment alone), so a CA must sign its certificate.
  const kem = keyType.startsWith('ml-kem-');
  if (kem && options.ca === undefined) throw new TypeError(`a ${keyType} test identity needs a CA: its key cannot sign its own certificate`);
  const keys = await generateKeyPair(keyType);
  const subject = nameDer([[OID.commonName, options.commonName ?? email]]);
  const issuer = options.ca === undefined ? null : await issuerOf(options.ca);
  // RFC 9881 5: an ML-DSA key signs only, so no keyEncipherment.
  const usages =
    keyType === 'ec-p256'
      ? ['digitalSignature', 'keyAgreement']
      : kem
        ? ['keyEncipherment']
        : keyType.startsWith('ml-dsa-')
          ? ['digitalSignature', 'nonRepudiation']
          : ['digitalSignature', 'nonRepudiation', 'keyEncipherment'];
  const extensions: ExtensionSpec[] = [
    basicConstraints(false),
    keyUsage(CURVE25519_USAGES[keyType] ?? usages),
    extendedKeyUsage([OID.emailProtection]),
    subjectAltNameEmail(email),
    subjectKeyIdentifier(keyIdentifier(keys.spki)),
    ...(issuer === null ? [] : [authorityKeyIdentifier(issuer.keyId)]),
    ...capabilitiesExtension(options.smimeCapabilities),
    ...distributionPointExtension(options.crlDistributionPoint),
  ];
  const certificate = await signCertificate({ subject, issuer: issuer?.name ?? subject, spki: keys.spki, ...period, extensions }, issuer?.key ?? keys.privateKey, issuer?.keyType ?? keyType);
  return { certificate, privateKey: { type: 'pkcs8', der: keys.pkcs8 }, keyType, email, chain: issuer?.chain ?? [] };
}

function checkedAddress(email: string): string {
  const normalized = normalizeAddress(email);
  if (normalized === null || !/^[\x21-\x7e]+$/.test(normalized)) {
    throw new SealpostError('ERR_ADDRESS_MALFORMED', 'test identity e-mail must be an ASCII addr-spec (local@domain)');
  }
  return normalized;
}
