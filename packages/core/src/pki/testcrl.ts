/**
 * CRLs issued by a test CA (RFC 5280 section 5), signed with its key through WebCrypto: for tests and
 * demos of revocation checking, served at a certificate's distribution point or given to verify as
 * `crls`. Never for production.
 */
import { bitString, explicit, integer, sequence, time, tlv, unsignedInteger } from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import { REASONS, type RevocationReason } from './crl.js';
import { parseCertificate } from './certificate.js';
import { authorityKeyIdentifier, encodeExtension, importSigningKey, keyIdentifier, testSignature, testSignatureAlgorithm } from './testcert.js';
import type { TestCa } from './types.js';

const DAY = 24 * 60 * 60 * 1000;

export interface TestCrlEntry {
  /** The revoked certificate's serial number in hex, as parseCertificate(...).serial writes it. */
  readonly serial: string;
  /** When it was revoked. */
  readonly date: Date;
  /** Written as a reasonCode entry extension; absent means no extension (RFC 5280 5.3.1 prefers that to `unspecified`). */
  readonly reason?: RevocationReason;
}

export interface TestCrlOptions {
  /** The issuing CA: its name is the CRL's issuer and its key signs. */
  readonly ca: TestCa;
  readonly revoked?: readonly TestCrlEntry[];
  /** Default now. */
  readonly thisUpdate?: Date;
  /** Default seven days after thisUpdate. */
  readonly nextUpdate?: Date;
  /** The cRLNumber extension; default 1. */
  readonly crlNumber?: number | bigint;
}

/**
 * A DER v2 CRL of `ca` (RFC 5280 5.1): issuer, thisUpdate and nextUpdate, one entry per revoked serial
 * with its date and reason, and the authorityKeyIdentifier and cRLNumber extensions a conforming CA
 * writes; signed as the CA signs certificates (SHA-256 with RSA PKCS#1 v1.5, ECDSA with SHA-256, or
 * Ed25519 for the key types tested here).
 */
export async function generateTestCrl(options: TestCrlOptions): Promise<Uint8Array> {
  const { ca } = options;
  const thisUpdate = options.thisUpdate ?? new Date();
  const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY);
  if (!(nextUpdate.getTime() > thisUpdate.getTime())) throw new RangeError('generateTestCrl: nextUpdate must be later than thisUpdate');
  const info = parseCertificate(ca.certificate);
  const signatureAlgorithm = testSignatureAlgorithm(ca.keyType);
  const entries = (options.revoked ?? []).map(revokedCertificate);
  const extensions = [authorityKeyIdentifier(keyIdentifier(info.spki)), { oid: OID.cRLNumber, critical: false, value: integer(options.crlNumber ?? 1) }];
  const tbs = sequence(
    integer(1), // v2: required when there are extensions (5.1.2.1)
    signatureAlgorithm,
    info.subjectDer,
    time(thisUpdate),
    time(nextUpdate),
    // An empty list is left out rather than written as an empty SEQUENCE (5.1.2.6).
    ...(entries.length === 0 ? [] : [sequence(...entries)]),
    explicit(0, sequence(...extensions.map(encodeExtension))),
  );
  const key = await importSigningKey(ca.privateKey.der, ca.keyType);
  return sequence(tbs, signatureAlgorithm, bitString(await testSignature(tbs, key, ca.keyType)));
}

function revokedCertificate(entry: TestCrlEntry): Uint8Array {
  if (!/^[0-9a-f]+$/i.test(entry.serial)) throw new TypeError('generateTestCrl: a serial is hex digits, as parseCertificate writes it');
  const reasonExtensions = entry.reason === undefined ? [] : [encodeExtension({ oid: OID.cRLReasons, critical: false, value: enumerated(reasonCode(entry.reason)) })];
  return sequence(unsignedInteger(hexBytes(entry.serial)), time(entry.date), ...(reasonExtensions.length === 0 ? [] : [sequence(...reasonExtensions)]));
}

function reasonCode(reason: RevocationReason): number {
  const code = REASONS.indexOf(reason);
  if (code < 0) throw new TypeError(`generateTestCrl: unknown reason ${String(reason)}`);
  return code;
}

function enumerated(value: number): Uint8Array {
  return tlv(0x0a, Uint8Array.of(value));
}

function hexBytes(hex: string): Uint8Array {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return Uint8Array.from(even.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
