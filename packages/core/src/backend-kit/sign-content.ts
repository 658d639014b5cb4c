import * as der from '../asn1/der-writer.js';
import type { BackendCapabilities, DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '../backend.js';
import { checksum } from '../bytes-cache.js';
import { SealpostError, throwIfAborted } from '../errors.js';
import { keyMatchesCertificate, privateKeyInfo } from '../pki/keys.js';
import { assertDigest, assertSignatureScheme, pkcs8Of } from './capabilities.js';
import { type CertificateFacts, type SigningKeyFacts, certificateFactsOf } from './certificate-facts.js';
import type { SignPrimitives } from './primitives.js';
import { newSignedAttributes } from './signed-attributes.js';
import { type SignatureParams, signatureAlgorithmIdentifier, signingParams } from './signature-algorithms.js';
import { signedDataContentInfo, signerInfo } from './signed-data-writer.js';

/**
 * The CMS engine's signing: every request, capability and key check, the signed attributes and the
 * SignedData are core's; the backend digests and makes each signature. ContentInfo(SignedData), DER:
 * eContentType id-data, SignerInfo version 1 by issuerAndSerialNumber, signed attributes always.
 */

interface PreparedSigner {
  readonly input: SignerInput;
  readonly certificate: CertificateFacts;
  readonly publicKey: SigningKeyFacts;
  readonly params: SignatureParams;
}

const CURVE_KEY_TYPES = { 'P-256': 'ec-p256', 'P-384': 'ec-p384', 'P-521': 'ec-p521' } as const;

export async function signContent(primitives: SignPrimitives, capabilities: BackendCapabilities, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  if (request.certificates !== undefined && !Array.isArray(request.certificates)) throw new TypeError('certificates must be an array');
  const signers = request.signers.map((input) => prepareSigner(capabilities, input));
  // A PKCS#8 key must be the certificate's pair: found here, before any private-key operation runs. An
  // Ed25519 or ML-DSA key is the exception: its PKCS#8 rarely carries the public half (RFC 9881 keeps only
  // the seed), and deriving that needs the algorithm, which only the backend has; its fresh signature is
  // checked instead.
  for (const { input, certificate, publicKey } of signers)
    if (input.privateKey.type === 'pkcs8' && !derivesPublicKeyInBackend(publicKey) && !(await isPair(input.privateKey.der, certificate))) throw keyMismatch();
  const extras = (request.certificates ?? []).map((certificate) => {
    if (certificateFactsOf(certificate) === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'an extra certificate is not a readable X.509 certificate');
    return certificate;
  });

  const digests = new Map<DigestAlgorithm, Uint8Array>();
  for (const digest of new Set(signers.map((s) => s.input.digest))) digests.set(digest, await primitives.digest(digest, request.content));

  const signerInfos: Uint8Array[] = [];
  for (const [index, signer] of signers.entries()) {
    throwIfAborted(request.signal);
    signerInfos.push(await signOne(primitives, signer, index, digests.get(signer.input.digest)!, request.signal));
  }
  throwIfAborted(request.signal);
  return signedDataContentInfo({
    digests: signers.map((s) => s.input.digest),
    content: request.detached ? null : request.content,
    certificates: [...signers.map((s) => s.certificate.der), ...extras],
    signerInfos,
  });
}

/** The scheme a key makes when the request names none, and the schemes it can make at all. */
const SCHEMES_OF_KEY: Readonly<Record<SigningKeyFacts['kind'], readonly SignatureScheme[]>> = {
  rsa: ['rsa-pkcs1', 'rsa-pss'],
  ec: ['ecdsa'],
  ed25519: ['ed25519'],
  'ml-dsa': ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'],
};

const KEY_NAMES: Readonly<Record<SigningKeyFacts['kind'], string>> = { rsa: 'an RSA', ec: 'an EC', ed25519: 'an Ed25519', 'ml-dsa': 'an ML-DSA' };

function derivesPublicKeyInBackend(key: SigningKeyFacts): boolean {
  return key.kind === 'ed25519' || key.kind === 'ml-dsa';
}

/** Every capability and key check, before any signing work starts. */
function prepareSigner(capabilities: BackendCapabilities, input: SignerInput): PreparedSigner {
  if (typeof input !== 'object' || input === null) throw new TypeError('each signer must be an object');
  assertDigest(capabilities, input.digest);
  if (input.scheme !== undefined) assertSignatureScheme(capabilities, input.scheme);
  const keyRef: unknown = input.privateKey;
  const isUri = capabilities.keyUris && typeof keyRef === 'object' && keyRef !== null && (keyRef as { type?: unknown }).type === 'uri';
  const pkcs8 = isUri ? null : pkcs8Of(input.privateKey);
  const certificate = certificateFactsOf(input.certificate);
  if (certificate === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the signer certificate is not a readable X.509 certificate');
  const publicKey = certificate.publicKey;
  if (publicKey === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the signer certificate's public key is malformed");
  if (publicKey.kind === 'other' || publicKey.kind === 'x25519' || publicKey.kind === 'ml-kem')
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `${publicKey.kind === 'other' ? publicKey.oid : publicKey.kind === 'x25519' ? 'X25519' : 'ML-KEM'} keys cannot sign CMS through this backend`);
  // A URI key is whatever its certificate says; a PKCS#8 key must at least be of the same kind.
  const privateInfo = pkcs8 === null ? null : privateKeyInfo(pkcs8);
  const privateKind = privateInfo === null ? publicKey.kind : privateInfo.type;
  if (privateKind !== 'rsa' && privateKind !== 'ec' && privateKind !== 'ed25519' && privateKind !== 'ml-dsa')
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `${privateKind} keys cannot sign CMS through this backend`);
  if (privateKind !== publicKey.kind) throw keyMismatch();
  if (publicKey.kind === 'ml-dsa') {
    if (privateInfo?.type === 'ml-dsa' && privateInfo.parameterSet !== publicKey.parameterSet) throw keyMismatch();
    if (!capabilities.keyTypes.includes(publicKey.parameterSet)) throw new SealpostError('ERR_UNSUPPORTED_KEY', `${publicKey.parameterSet} keys are not supported by this backend`);
  }
  if (publicKey.kind === 'ec' && (publicKey.curve === null || !capabilities.keyTypes.includes(CURVE_KEY_TYPES[publicKey.curve])))
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `EC keys on ${publicKey.curve ?? 'this curve'} are not supported for signing by this backend`);
  if (publicKey.kind === 'rsa' && !capabilities.keyTypes.includes('rsa')) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'RSA keys are not supported by this backend');
  if (publicKey.kind === 'ed25519' && !capabilities.keyTypes.includes('ed25519')) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'Ed25519 keys are not supported by this backend');
  const pssOnly = publicKey.kind === 'rsa' && publicKey.pssOnly;
  const keyScheme = publicKey.kind === 'ml-dsa' ? publicKey.parameterSet : (SCHEMES_OF_KEY[publicKey.kind][0] as SignatureScheme);
  const scheme: SignatureScheme = input.scheme ?? (pssOnly ? 'rsa-pss' : keyScheme);
  if (!SCHEMES_OF_KEY[publicKey.kind].includes(scheme) || (publicKey.kind === 'ml-dsa' && scheme !== keyScheme))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${scheme} cannot be used with ${KEY_NAMES[publicKey.kind]} key`);
  if (pssOnly && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'an RSASSA-PSS key signs with rsa-pss only');
  assertSignatureScheme(capabilities, scheme);
  return { input, certificate, publicKey, params: signingParams(scheme, input.digest) };
}

// Whether a key array the caller holds is a certificate's pair, remembered per array (a WeakMap: it goes
// with the array; a checksum notices an array changed in place) and per certificate read: checking it
// can mean deriving an EC public point, which costs more than the signature.
const PAIRS = new WeakMap<Uint8Array, { readonly sum: number; readonly certificates: WeakMap<CertificateFacts, boolean> }>();

async function isPair(pkcs8: Uint8Array, certificate: CertificateFacts): Promise<boolean> {
  const sum = checksum(pkcs8);
  let known = PAIRS.get(pkcs8);
  if (known === undefined || known.sum !== sum) PAIRS.set(pkcs8, (known = { sum, certificates: new WeakMap() }));
  let pair = known.certificates.get(certificate);
  if (pair === undefined) {
    pair = await keyMatchesCertificate(pkcs8, certificate.der);
    known.certificates.set(certificate, pair);
  }
  return pair;
}

function keyMismatch(): SealpostError {
  return new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
}

async function signOne(primitives: SignPrimitives, signer: PreparedSigner, index: number, messageDigest: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const { input, certificate, publicKey, params } = signer;
  const signedAttributes = newSignedAttributes({ messageDigest, signingTime: input.signingTime, smimeCapabilities: input.smimeCapabilities });
  const data = der.setOf(signedAttributes);
  const signature = await primitives.sign({ index, privateKey: input.privateKey, publicKey, params, data, signal });
  // The fresh signature checked with the certificate's key catches a key that belongs to another
  // certificate (a URI names the wrong one; a PKCS#8 key was already matched) and a faulty RSA-CRT
  // result, which would leak the key, before anything is sent. An implementation that checks its own
  // RSA results needs the first check only; an Ed25519 or ML-DSA key, not matched in advance, is always checked here.
  const checked = primitives.checksOwnSignatures === true && input.privateKey.type === 'pkcs8' && !derivesPublicKeyInBackend(publicKey);
  if (!checked && !(await primitives.verifySignature({ spki: certificate.spki, publicKey, params, data, signature }))) throw keyMismatch();
  return signerInfo({ certificate, digest: input.digest, signedAttributes, signatureAlgorithm: signatureAlgorithmIdentifier(params), signature });
}
