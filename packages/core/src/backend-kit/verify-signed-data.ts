import * as der from '../asn1/der-writer.js';
import type { BackendCapabilities, CertificateSignatureRequest, DigestAlgorithm, SignerCheck, VerifyRequest } from '../backend.js';
import { certificateSignatureInput } from './certificate-signature.js';
import { coreDigest, coreVerifySignature, isCoreDigest } from './core-signatures.js';
import { bytesEqual, constantTimeEqual } from '../bytes.js';
import { isSealpostError, SealpostError, throwIfAborted } from '../errors.js';
import { digestFromOid } from './algorithms.js';
import { childrenOf, decodeElement, integerContents, isMinimalInteger, isUniversal } from '../asn1/accessors.js';
import { type CertificateFacts, type PublicKeyFacts, type SigningKeyFacts, certificateFactsOf, curveSize } from './certificate-facts.js';
import { ed25519SignatureShapeFits, isUsableEd25519Key } from './ed25519-encoding.js';
import { mlDsaSignatureLength } from './post-quantum.js';
import { type ReceivedSignerInfo, readSignedData } from './cms-reader.js';
import { identifies } from './identifiers.js';
import type { SignatureCheck, VerifyPrimitives } from './primitives.js';
import { messageDigestOf } from './signed-attributes.js';
import { type SignatureParams, digestPairingRefusal, signatureParamsOf } from './signature-algorithms.js';

/**
 * The CMS engine's verification: reads SignedData once, strictly, and reports the cryptographic facts
 * of every SignerInfo in order. The backend only digests and checks signatures; everything else
 * (which certificate, which hash, which shape of signature, what a failure means) is decided here,
 * so every backend gives the same facts for the same bytes.
 */
export async function verifySignedData(primitives: VerifyPrimitives, capabilities: BackendCapabilities, request: VerifyRequest): Promise<readonly SignerCheck[]> {
  throwIfAborted(request.signal);
  if (request.content !== undefined && !(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (request.certificates !== undefined && !Array.isArray(request.certificates)) throw new TypeError('certificates must be an array');
  const signedData = readSignedData(request.cms, request.limits);
  const content = request.content ?? signedData.eContent;
  if (content === null) {
    if (signedData.signers.length === 0) return [];
    throw new SealpostError('ERR_INVALID_ARGUMENT', 'the signature is detached: pass the signed content');
  }
  const candidates = [...signedData.certificates, ...(request.certificates ?? [])].map(certificateFactsOf).filter((c): c is CertificateFacts => c !== null);
  const digests = new Map<DigestAlgorithm, Uint8Array>();
  const contentDigest = async (algorithm: DigestAlgorithm): Promise<Uint8Array> => {
    const known = digests.get(algorithm) ?? (isCoreDigest(algorithm) ? coreDigest(algorithm, content) : await primitives.digest(algorithm, content));
    digests.set(algorithm, known);
    return known;
  };

  const checks: SignerCheck[] = [];
  for (const signer of signedData.signers) {
    checks.push(await checkSigner(primitives, capabilities, signer, candidates, content, contentDigest));
    throwIfAborted(request.signal);
  }
  return checks;
}

async function checkSigner(
  primitives: VerifyPrimitives,
  capabilities: BackendCapabilities,
  signer: ReceivedSignerInfo,
  candidates: readonly CertificateFacts[],
  content: Uint8Array,
  contentDigest: (algorithm: DigestAlgorithm) => Promise<Uint8Array>,
): Promise<SignerCheck> {
  const certificate = candidates.find((c) => identifies(signer.sid, c));
  const base = { index: signer.index, certificate: certificate?.der ?? null };
  const hasAttributes = signer.signedAttrs !== null;
  const uncheckable = (error: SealpostError): SignerCheck => ({
    ...base,
    signatureValid: false,
    messageDigestValid: hasAttributes ? false : null,
    error: { code: error.code, message: error.message },
  });

  const digest = digestFromOid(signer.digestAlgorithm.oid);
  const unsupportedDigest = () => new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest algorithm ${digest ?? signer.digestAlgorithm.oid} is not supported by this backend`);
  if (digest === null) return uncheckable(unsupportedDigest());
  // Ed25519 and ML-DSA with a digest their RFCs refuse: refused before any digest is computed, so the
  // answer does not depend on who could compute it.
  const refused = digestPairingRefusal(signer.signatureAlgorithm.oid, digest);
  if (refused !== null) return uncheckable(refused);
  if (!isCoreDigest(digest) && !capabilities.digests.includes(digest)) return uncheckable(unsupportedDigest());
  const computed = await contentDigest(digest);

  let messageDigestValid: boolean | null = null;
  let signedBytes: Uint8Array = content;
  if (signer.signedAttrs !== null && signer.signedAttrsForSignature !== null) {
    const claimed = messageDigestOf(signer.signedAttrs);
    messageDigestValid = claimed !== null && constantTimeEqual(claimed, computed);
    signedBytes = signer.signedAttrsForSignature;
  }
  if (certificate === undefined) return { ...base, signatureValid: false, messageDigestValid, error: null };

  try {
    const params = signatureParamsOf(signer.signatureAlgorithm, digest);
    if (!capabilities.signatureSchemes.includes(params.scheme)) throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${params.scheme} is not supported by this backend`);
    const publicKey = keyFor(certificate.publicKey, params);
    const valid =
      signatureShapeFits(publicKey, signer.signature) && (await signatureVerifies(primitives, { spki: certificate.spki, publicKey, params, data: signedBytes, signature: signer.signature }));
    return { ...base, signatureValid: valid === true, messageDigestValid, error: null };
  } catch (error) {
    if (!isSealpostError(error)) throw error;
    return { ...base, signatureValid: false, messageDigestValid, error: { code: error.code, message: error.message } };
  }
}

/**
 * Whether `request.issuer`'s key made `request.certificate`'s signature, by the one rule every backend
 * follows: core reads both certificates (an inner signature algorithm that differs from the outer one,
 * byte for byte, is no signature), fits the key to the algorithm and checks the signature's shape; the
 * backend only checks the signature over the exact TBSCertificate bytes. CRLs and OCSP responses
 * (`request.signed`) are checked the same way over their tbsCertList and tbsResponseData.
 */
export async function checkCertificateSignature(primitives: VerifyPrimitives, request: CertificateSignatureRequest): Promise<boolean> {
  throwIfAborted(request.signal);
  const input = certificateSignatureInput(request.certificate, request.issuer, request.signed ?? 'certificate');
  if (input === null) return false;
  let publicKey: SigningKeyFacts;
  try {
    publicKey = keyFor(input.issuer.publicKey, input.params);
  } catch (error) {
    if (isSealpostError(error, 'ERR_SIGNATURE_INVALID')) return false;
    throw error;
  }
  if (!signatureShapeFits(publicKey, input.signature)) return false;
  return signatureVerifies(primitives, { spki: input.issuer.spki, publicKey, params: input.params, data: input.tbs, signature: input.signature });
}

/**
 * The backend's verification, except for an RSA or ECDSA signature over MD5 or SHA-224: core checks
 * those itself (core-signatures.ts), so that every backend gives the same answer for them.
 */
async function signatureVerifies(primitives: VerifyPrimitives, check: SignatureCheck): Promise<boolean> {
  const { scheme, hash } = check.params;
  if ((scheme === 'rsa-pkcs1' || scheme === 'rsa-pss' || scheme === 'ecdsa') && isCoreDigest(hash)) return coreVerifySignature(check);
  return (await primitives.verifySignature(check)) === true;
}

/** The key family each signature scheme comes from. */
const KEY_KIND_OF_SCHEME: Readonly<Record<SignatureParams['scheme'], SigningKeyFacts['kind']>> = {
  'rsa-pkcs1': 'rsa',
  'rsa-pss': 'rsa',
  ecdsa: 'ec',
  ed25519: 'ed25519',
  'ml-dsa-44': 'ml-dsa',
  'ml-dsa-65': 'ml-dsa',
  'ml-dsa-87': 'ml-dsa',
};

const KEY_NAMES: Readonly<Record<Exclude<PublicKeyFacts['kind'], 'other'>, string>> = {
  rsa: 'an RSA',
  ec: 'an EC',
  ed25519: 'an Ed25519',
  x25519: 'an X25519',
  'ml-dsa': 'an ML-DSA',
  'ml-kem': 'an ML-KEM',
};

/**
 * The certificate's key, if it can make a signature of this scheme: an ECDSA signature is never
 * checked with an RSA key nor the reverse, an Ed25519 signature only with an Ed25519 key, an X25519 key
 * (key agreement only) makes none, and an id-RSASSA-PSS key makes PSS signatures only.
 */
function keyFor(key: PublicKeyFacts | null, params: SignatureParams): SigningKeyFacts {
  if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the certificate's public key is malformed");
  if (key.kind === 'other') throw new SealpostError('ERR_UNSUPPORTED_KEY', `public keys of type ${key.oid} are not supported by this backend`);
  if (key.kind === 'x25519' || key.kind === 'ml-kem' || KEY_KIND_OF_SCHEME[params.scheme] !== key.kind)
    throw new SealpostError('ERR_SIGNATURE_INVALID', `a ${params.scheme} signature cannot come from ${KEY_NAMES[key.kind]} key`);
  // Each ML-DSA parameter set is its own algorithm (RFC 9881 2): an ML-DSA-44 key makes no ML-DSA-65 signature.
  if (key.kind === 'ml-dsa' && key.parameterSet !== params.scheme) throw new SealpostError('ERR_SIGNATURE_INVALID', `a ${params.scheme} signature cannot come from an ${key.parameterSet} key`);
  if (key.kind === 'ec' && key.curve === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only the named curves P-256, P-384 and P-521 are supported');
  if (key.kind === 'rsa' && key.pssOnly && params.scheme !== 'rsa-pss') throw new SealpostError('ERR_SIGNATURE_INVALID', 'an RSASSA-PSS key cannot make PKCS#1 v1.5 signatures');
  return key;
}

/**
 * Whether the signature value has the one shape a valid signature can have, so that no primitive's
 * leniency (a short RSA value left-padded, a BER or padded ECDSA encoding) can change a verdict:
 * RSA, exactly the modulus length; ECDSA, a DER SEQUENCE of two positive, minimal INTEGERs that fit
 * the curve; Ed25519, 64 octets with S < L from a canonical key not of small order (ed25519-encoding.ts);
 * ML-DSA, exactly the parameter set's signature length.
 */
function signatureShapeFits(key: SigningKeyFacts, signature: Uint8Array): boolean {
  if (key.kind === 'rsa') return signature.length === key.modulus.length;
  if (key.kind === 'ed25519') return isUsableEd25519Key(key.key) && ed25519SignatureShapeFits(signature);
  // FIPS 204 7.2: a signature of any other length is not one (sigDecode takes exactly this many octets).
  if (key.kind === 'ml-dsa') return signature.length === mlDsaSignatureLength(key.parameterSet);
  if (key.curve === null) return false;
  const node = decodeElement(signature);
  const parts = isUniversal(node ?? undefined, 16) ? childrenOf(node ?? undefined) : null;
  if (parts === null || parts.length !== 2) return false;
  const size = curveSize(key.curve);
  const values = parts.map(integerContents);
  for (const value of values) {
    if (value === null || !isMinimalInteger(value) || (value[0] ?? 0) & 0x80) return false;
    const magnitude = value[0] === 0 ? value.subarray(1) : value;
    if (magnitude.length === 0 || magnitude.length > size || magnitude.every((b) => b === 0)) return false;
  }
  // Definite, minimal lengths: the DER encoding of the same two INTEGERs must be the received bytes.
  const canonical = der.sequence(der.tlv(0x02, values[0] as Uint8Array), der.tlv(0x02, values[1] as Uint8Array));
  return bytesEqual(canonical, signature);
}
