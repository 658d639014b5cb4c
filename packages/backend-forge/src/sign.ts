import type { DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '@sealpost/core';
import { backendKit as kit, der, SealpostError, throwIfAborted } from '@sealpost/core';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { parseCertificateOrThrow, type CertificateFacts } from './certificates.js';
import type { Context } from './context.js';
import { computeDigest } from './digest.js';
import { privateKeyFacts, type PrivateKeyFacts } from './keys.js';
import { createSignature } from './signature-create.js';
import { verifySignature } from './signature-verify.js';

interface PreparedSigner {
  readonly input: SignerInput;
  readonly certificate: CertificateFacts;
  readonly key: PrivateKeyFacts;
  readonly params: kit.SignatureParams;
}

/**
 * ContentInfo(SignedData), DER, in the PKI.js backend's layout: eContentType id-data, digest
 * algorithms without parameters, the certificates as a sorted SET, SignerInfo version 1 identified
 * by issuerAndSerialNumber, signed attributes always.
 */
export async function signCms(ctx: Context, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  if (request.certificates !== undefined && !Array.isArray(request.certificates)) throw new TypeError('certificates must be an array');
  const signers = request.signers.map(prepareSigner);
  const extraCertificates = (request.certificates ?? []).map(checkedCertificate);

  const digests = new Map<DigestAlgorithm, Uint8Array>();
  for (const digest of new Set(signers.map((s) => s.input.digest))) {
    digests.set(digest, computeDigest(digest, request.content));
    throwIfAborted(request.signal);
  }

  const signerInfos: Uint8Array[] = [];
  for (const signer of signers) {
    signerInfos.push(signerInfo(ctx, signer, digests.get(signer.input.digest) as Uint8Array));
    throwIfAborted(request.signal);
  }

  return kit.signedDataContentInfo({
    digests: signers.map((s) => s.input.digest),
    content: request.detached ? null : request.content,
    certificates: [...signers.map((s) => s.certificate.der), ...extraCertificates],
    signerInfos,
  });
}

/** Every capability and key check, before any signing work starts. */
function prepareSigner(input: SignerInput): PreparedSigner {
  if (typeof input !== 'object' || input === null) throw new TypeError('each signer must be an object');
  kit.assertDigest(FORGE_CAPABILITIES, input.digest);
  if (input.scheme !== undefined) kit.assertSignatureScheme(FORGE_CAPABILITIES, input.scheme);
  const pkcs8 = kit.pkcs8Of(input.privateKey);
  const certificate = parseCertificateOrThrow(input.certificate, 'signer');
  const key = privateKeyFacts(pkcs8);
  if (key.kind === 'ec' && key.curve === 'P-521') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'P-521 keys are not supported for signing by this backend');
  const publicKey = certificate.publicKey;
  if (publicKey?.kind !== key.kind) throw keyMismatch();
  const pssOnly = publicKey.kind === 'rsa' && (publicKey.pssOnly || (key.kind === 'rsa' && key.pssOnly));
  const scheme: SignatureScheme = input.scheme ?? (key.kind === 'ec' ? 'ecdsa' : pssOnly ? 'rsa-pss' : 'rsa-pkcs1');
  if ((scheme === 'ecdsa') !== (key.kind === 'ec'))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${scheme} cannot be used with ${key.kind === 'rsa' ? 'an RSA' : 'an EC'} key`);
  if (pssOnly && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'an RSASSA-PSS key signs with rsa-pss only');
  return { input, certificate, key, params: kit.signingParams(scheme, input.digest) };
}

function keyMismatch(): SealpostError {
  return new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
}

function signerInfo(ctx: Context, signer: PreparedSigner, messageDigest: Uint8Array): Uint8Array {
  const { input, certificate, key, params } = signer;
  const signedAttributes = kit.newSignedAttributes({ messageDigest, signingTime: input.signingTime, smimeCapabilities: input.smimeCapabilities });
  const attributes = der.setOf(signedAttributes);
  const signature = createSignature(ctx, key, params, attributes);
  // Verifying the fresh signature with the certificate catches a key that belongs to another
  // certificate, and a faulty RSA-CRT result (which would leak the key), before anything is sent.
  if (!verifySignature(certificate.publicKey, params, attributes, signature)) throw keyMismatch();
  return kit.signerInfo({ certificate, digest: input.digest, signedAttributes, signatureAlgorithm: kit.signatureAlgorithmIdentifier(params), signature });
}

function checkedCertificate(certificate: Uint8Array): Uint8Array {
  const node = certificate instanceof Uint8Array ? kit.decodeElement(certificate) : null;
  if (node === null || !kit.isUniversal(node, 16)) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'an extra certificate is not DER');
  return certificate;
}
