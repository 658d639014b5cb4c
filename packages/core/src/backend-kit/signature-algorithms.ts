import * as der from '../asn1/der-writer.js';
import type { DigestAlgorithm, MlDsaParameterSet, SignatureScheme } from '../backend.js';
import { SealpostError } from '../errors.js';
import { digestFromOid, digestLength, digestOid } from './algorithms.js';
import { algorithmOf, explicitFields, isUniversal, smallIntegerOf, type AlgorithmNode } from '../asn1/accessors.js';
import { ECDSA_SIGNATURE_DIGEST_BY_OID, OID, RSA_SIGNATURE_DIGEST_BY_OID } from '../asn1/oids.js';
import { isMlDsaScheme, mlDsaOid, mlDsaParameterSetOf } from './post-quantum.js';

/** A signature algorithm resolved to a scheme and its parameters. */
export type SignatureParams =
  | { readonly scheme: 'rsa-pkcs1'; readonly hash: DigestAlgorithm }
  | { readonly scheme: 'rsa-pss'; readonly hash: DigestAlgorithm; readonly saltLength: number }
  | { readonly scheme: 'ecdsa'; readonly hash: DigestAlgorithm }
  /**
   * PureEdDSA over the signed bytes (RFC 8419): no hash of its own, but RFC 8419 3.1 pairs Ed25519 with
   * SHA-512 for the digest algorithm (the messageDigest attribute), which `hash` names.
   */
  | { readonly scheme: 'ed25519'; readonly hash: 'sha-512' }
  /**
   * ML-DSA in pure mode with the empty context (RFC 9882 3.3) over the signed bytes; `hash` is the
   * SignerInfo's digest algorithm (the messageDigest attribute), one of ML_DSA_DIGESTS for the parameter set.
   * For a certificate's signature, which has no digest algorithm, `hash` is SHA-512 and means nothing.
   */
  | { readonly scheme: MlDsaParameterSet; readonly hash: DigestAlgorithm };

/** RFC 8419 3.1: the one digest algorithm an Ed25519 SignerInfo uses. */
export const ED25519_DIGEST = 'sha-512' satisfies DigestAlgorithm;

/**
 * The SHA-2 digests RFC 9882 3.3 (table 1) finds strong enough for each ML-DSA parameter set, with SHA-512
 * (which every implementation supports) the one Sealpost signs with. Others are refused as ERR_WEAK_DIGEST:
 * the signature over signed attributes is no stronger than the hash of the content they carry.
 */
export const ML_DSA_DIGESTS: Readonly<Record<MlDsaParameterSet, readonly DigestAlgorithm[]>> = {
  'ml-dsa-44': ['sha-256', 'sha-384', 'sha-512'],
  'ml-dsa-65': ['sha-384', 'sha-512'],
  'ml-dsa-87': ['sha-512'],
};
export const ML_DSA_DIGEST = 'sha-512' satisfies DigestAlgorithm;

/** Whether a signature algorithm's parameters must be absent or NULL (RFC 3279, RFC 4055, RFC 5758): all but RSASSA-PSS. */
export function takesNoParameters(oid: string): boolean {
  return oid === OID.rsaEncryption || oid === OID.ecPublicKey || oid === OID.ed25519 || oid in RSA_SIGNATURE_DIGEST_BY_OID || oid in ECDSA_SIGNATURE_DIGEST_BY_OID || mlDsaParameterSetOf(oid) !== null;
}

function unsupported(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_SIGNATURE', message);
}

/**
 * Resolves a signature AlgorithmIdentifier. `digest` is the SignerInfo's digestAlgorithm (null for
 * certificates). rsaEncryption and id-ecPublicKey name no hash and take that one; an algorithm that
 * names a different hash is refused, since the signature would not cover what messageDigest names.
 */
export function signatureParamsOf(algorithm: AlgorithmNode, digest: DigestAlgorithm | null): SignatureParams {
  const params = resolve(algorithm, digest);
  const refused = digest === null ? null : digestPairingRefusal(algorithm.oid, digest);
  if (refused !== null) throw refused;
  if (digest !== null && params.hash !== digest) throw new SealpostError('ERR_SIGNATURE_INVALID', 'the signature algorithm names a different hash than the digest algorithm');
  return params;
}

/**
 * The SignerInfo digest algorithms RFC 8419 3.1 (Ed25519: SHA-512 only) and RFC 9882 3.3 (ML-DSA: by
 * parameter set) refuse for a signature algorithm, as the error to report; null when they do not. A
 * rule of the RFCs, not of any backend: the verifier asks it before it asks whether a backend computes
 * the digest, so a pairing they refuse gets the same answer whatever digests the backend has.
 */
export function digestPairingRefusal(signatureOid: string, digest: DigestAlgorithm): SealpostError | null {
  if (signatureOid === OID.ed25519 && digest !== ED25519_DIGEST)
    return new SealpostError('ERR_SIGNATURE_INVALID', `an Ed25519 signer uses SHA-512 as its digest algorithm (RFC 8419 3.1), not ${digest}`);
  const mlDsa = mlDsaParameterSetOf(signatureOid);
  if (mlDsa !== null && !ML_DSA_DIGESTS[mlDsa].includes(digest))
    return new SealpostError('ERR_WEAK_DIGEST', `${mlDsa} is not used with ${digest} as the digest algorithm (RFC 9882 3.3: ${ML_DSA_DIGESTS[mlDsa].join(', ')})`);
  return null;
}

function resolve(algorithm: AlgorithmNode, digest: DigestAlgorithm | null): SignatureParams {
  const { oid } = algorithm;
  if (oid === OID.rsaEncryption || oid === OID.ecPublicKey) {
    if (digest === null) throw unsupported(`signature algorithm ${oid} names no hash`);
    return { scheme: oid === OID.rsaEncryption ? 'rsa-pkcs1' : 'ecdsa', hash: digest };
  }
  const rsaHash = RSA_SIGNATURE_DIGEST_BY_OID[oid];
  if (rsaHash !== undefined) return { scheme: 'rsa-pkcs1', hash: rsaHash };
  const ecdsaHash = ECDSA_SIGNATURE_DIGEST_BY_OID[oid];
  if (ecdsaHash !== undefined) return { scheme: 'ecdsa', hash: ecdsaHash };
  if (oid === OID.rsassaPss) return pssParamsOf(algorithm);
  if (oid === OID.ed25519) {
    // RFC 8410 3 and RFC 8419 2: the parameters MUST be absent (the CMS reader lets a NULL through).
    if (algorithm.parameters !== undefined) throw unsupported('id-Ed25519 with parameters is not supported (RFC 8410: they are absent)');
    return { scheme: 'ed25519', hash: ED25519_DIGEST };
  }
  const mlDsa = mlDsaParameterSetOf(oid);
  if (mlDsa !== null) {
    // RFC 9882 2 and RFC 9881 2: the parameters MUST be absent (the CMS reader lets a NULL through).
    if (algorithm.parameters !== undefined) throw unsupported(`${mlDsa} with parameters is not supported (RFC 9882: they are absent)`);
    return { scheme: mlDsa, hash: digest ?? ML_DSA_DIGEST };
  }
  throw unsupported(`signature algorithm ${oid} is not supported by this backend`);
}

/** RSASSA-PSS-params (RFC 4055 3.1) with their SHA-1 defaults; MGF1 must use the message hash. */
function pssParamsOf(algorithm: AlgorithmNode): SignatureParams {
  const fields = explicitFields(algorithm.parameters);
  if (fields === null) throw unsupported('malformed RSASSA-PSS parameters');
  const hashNode = fields.get(0);
  const hashAlgorithm = hashNode === undefined ? null : algorithmOf(hashNode);
  const hash = hashNode === undefined ? 'sha-1' : hashAlgorithm === null ? null : digestFromOid(hashAlgorithm.oid);
  if (hash === null) throw unsupported('unsupported RSASSA-PSS hash');
  const mgfNode = fields.get(1);
  const mgf = mgfNode === undefined ? null : algorithmOf(mgfNode);
  const mgfHash = mgfNode === undefined ? 'sha-1' : mgf?.oid === OID.mgf1 ? digestFromOid(algorithmOf(mgf.parameters)?.oid ?? '') : null;
  if (mgfHash !== hash) throw unsupported('RSASSA-PSS is supported with MGF1 over the message hash only');
  const saltNode = fields.get(2);
  const saltLength = saltNode === undefined ? 20 : smallIntegerOf(saltNode);
  const trailer = fields.get(3);
  if (saltLength === null || (trailer !== undefined && (!isUniversal(trailer, 2) || smallIntegerOf(trailer) !== 1))) throw unsupported('malformed RSASSA-PSS parameters');
  return { scheme: 'rsa-pss', hash, saltLength };
}

/** A hash AlgorithmIdentifier with NULL parameters, as RFC 4055 writes it inside PSS and OAEP. */
export function hashIdentifierWithNull(digest: DigestAlgorithm): Uint8Array<ArrayBuffer> {
  return der.algorithmIdentifier(digestOid(digest), der.nullValue());
}

const ECDSA_OIDS: Partial<Record<DigestAlgorithm, string>> = {
  'sha-1': OID.ecdsaWithSha1,
  'sha-256': OID.ecdsaWithSha256,
  'sha-384': OID.ecdsaWithSha384,
  'sha-512': OID.ecdsaWithSha512,
};

/** The parameters this backend signs with: a PSS salt as long as the hash, MGF1 over the same hash. */
export function signingParams(scheme: SignatureScheme, digest: DigestAlgorithm): SignatureParams {
  if (scheme === 'rsa-pss') return { scheme, hash: digest, saltLength: digestLength(digest) };
  if (scheme === 'rsa-pkcs1' || scheme === 'ecdsa') return { scheme, hash: digest };
  if (scheme === 'ed25519') {
    if (digest !== ED25519_DIGEST) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `Ed25519 signs with SHA-512 as the digest algorithm (RFC 8419 3.1), not ${String(digest)}`);
    return { scheme, hash: digest };
  }
  if (isMlDsaScheme(scheme)) {
    if (!ML_DSA_DIGESTS[scheme].includes(digest))
      throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `${scheme} signs with ${ML_DSA_DIGESTS[scheme].join(', ')} as the digest algorithm (RFC 9882 3.3), not ${String(digest)}`);
    return { scheme, hash: digest };
  }
  throw unsupported(`signature scheme ${String(scheme)} is not supported by this backend`);
}

/** The signatureAlgorithm a new SignerInfo carries. */
export function signatureAlgorithmIdentifier(params: SignatureParams): Uint8Array<ArrayBuffer> {
  if (params.scheme === 'rsa-pkcs1') return der.algorithmIdentifier(OID.rsaEncryption, der.nullValue());
  if (params.scheme === 'rsa-pss') {
    return der.algorithmIdentifier(
      OID.rsassaPss,
      der.sequence(
        der.explicit(0, hashIdentifierWithNull(params.hash)),
        der.explicit(1, der.algorithmIdentifier(OID.mgf1, hashIdentifierWithNull(params.hash))),
        der.explicit(2, der.integer(params.saltLength)),
      ),
    );
  }
  // RFC 8419 2: id-Ed25519 with the parameters absent.
  if (params.scheme === 'ed25519') return der.algorithmIdentifier(OID.ed25519);
  // RFC 9882 3.3: id-ml-dsa-* with the parameters absent.
  if (isMlDsaScheme(params.scheme)) return der.algorithmIdentifier(mlDsaOid(params.scheme));
  const oid = ECDSA_OIDS[params.hash];
  if (oid === undefined) throw unsupported(`ecdsa with ${params.hash} is not supported by this backend`);
  return der.algorithmIdentifier(oid);
}
