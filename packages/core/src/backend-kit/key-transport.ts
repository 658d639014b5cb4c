import * as der from '../asn1/der-writer.js';
import type { DigestAlgorithm } from '../backend.js';
import { SealpostError } from '../errors.js';
import { digestFromOid, digestOid } from './algorithms.js';
import { algorithmOf, explicitFields, isUniversal, octetsOf, type AlgorithmNode } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';

/** RSA key-transport AlgorithmIdentifiers (RFC 3370 4.2.1, RFC 3560): writing them and reading them. */

export type KeyTransportParams = { readonly kind: 'rsa-pkcs1' } | { readonly kind: 'rsa-oaep'; readonly hash: DigestAlgorithm; readonly label: Uint8Array<ArrayBuffer> };

/** rsaEncryption with NULL parameters, the keyEncryptionAlgorithm of PKCS#1 v1.5 key transport. */
export function rsaPkcs1KeyTransportIdentifier(): Uint8Array<ArrayBuffer> {
  return der.algorithmIdentifier(OID.rsaEncryption, der.nullValue());
}

/**
 * RSAES-OAEP with `hash` and MGF1 over the same hash, byte for byte as `openssl cms -keyopt
 * rsa_oaep_md:...` writes it: the hash identifiers without parameters, which RFC 4055 2.1 calls the
 * correct encoding (readers must accept NULL parameters too, and keyTransportOf does).
 */
export function oaepKeyTransportIdentifier(hash: DigestAlgorithm): Uint8Array<ArrayBuffer> {
  const hashIdentifier = der.algorithmIdentifier(digestOid(hash));
  return der.algorithmIdentifier(OID.rsaesOaep, der.sequence(der.explicit(0, hashIdentifier), der.explicit(1, der.algorithmIdentifier(OID.mgf1, hashIdentifier))));
}

function unsupportedTransport(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', message);
}

/** Resolves a keyEncryptionAlgorithm; anything else is ERR_UNSUPPORTED_KEY_TRANSPORT. */
export function keyTransportOf(algorithm: AlgorithmNode): KeyTransportParams {
  if (algorithm.oid === OID.rsaEncryption) return { kind: 'rsa-pkcs1' };
  if (algorithm.oid !== OID.rsaesOaep) throw unsupportedTransport(`key transport ${algorithm.oid} is not supported by this backend`);
  // RFC 8017 A.2.1 / RFC 4055 4.1: each field defaults to SHA-1, MGF1-SHA-1 and an empty label.
  const fields = algorithm.parameters === undefined ? new Map() : explicitFields(algorithm.parameters);
  if (fields === null) throw unsupportedTransport('malformed RSAES-OAEP parameters');
  // algorithmOf ignores the parameters of the hash identifiers, so absent and NULL both read.
  const hashAlgorithm = fields.has(0) ? algorithmOf(fields.get(0)) : null;
  const hash = fields.has(0) ? (hashAlgorithm === null ? null : digestFromOid(hashAlgorithm.oid)) : 'sha-1';
  const mgf = fields.has(1) ? algorithmOf(fields.get(1)) : null;
  const mgfHashAlgorithm = mgf?.oid === OID.mgf1 ? algorithmOf(mgf.parameters) : null;
  const mgfHash = fields.has(1) ? (mgfHashAlgorithm === null ? null : digestFromOid(mgfHashAlgorithm.oid)) : 'sha-1';
  if (hash === null || hash === 'md5' || hash === 'sha-224' || mgfHash !== hash)
    throw unsupportedTransport('RSAES-OAEP is supported with SHA-1, SHA-256, SHA-384 or SHA-512 and MGF1 over the same hash');
  const source = fields.has(2) ? algorithmOf(fields.get(2)) : null;
  const label = fields.has(2) ? (source?.oid === OID.pSpecified && isUniversal(source.parameters, 4) ? octetsOf(source.parameters) : null) : new Uint8Array(0);
  if (label === null) throw unsupportedTransport('malformed RSAES-OAEP label source');
  return { kind: 'rsa-oaep', hash, label };
}
