import type { DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '@sealpost/core';
import { backendKit as kit, der, SealpostError, throwIfAborted } from '@sealpost/core';
import { decodeElement, isUniversal } from './asn1.js';
import type { Bytes } from './bytes.js';
import { PKIJS_CAPABILITIES } from './capabilities.js';
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
  readonly scheme: SignatureScheme;
}

/** ContentInfo(SignedData) DER: id-data, SignerInfo v1 by issuerAndSerialNumber, signed attributes always. */
export async function signCms(ctx: Context, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  const signers = request.signers.map(prepareSigner);
  const extraCertificates = (request.certificates ?? []).map(checkedCertificate);

  const digests = new Map<DigestAlgorithm, Bytes>();
  for (const digest of new Set(signers.map((s) => s.input.digest))) {
    digests.set(digest, await computeDigest(ctx, digest, request.content));
    throwIfAborted(request.signal);
  }

  const signerInfos: Bytes[] = [];
  for (const signer of signers) {
    signerInfos.push(await signerInfo(ctx, signer, digests.get(signer.input.digest) as Bytes));
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
  kit.assertDigest(PKIJS_CAPABILITIES, input.digest);
  if (input.scheme !== undefined) kit.assertSignatureScheme(PKIJS_CAPABILITIES, input.scheme);
  const pkcs8 = kit.pkcs8Of(input.privateKey);
  const certificate = parseCertificateOrThrow(input.certificate, 'signer');
  const key = privateKeyFacts(pkcs8);
  if (key.kind === 'ec' && key.curve === 'P-521') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'P-521 keys are not supported for signing by this backend');
  const publicKey = certificate.publicKey;
  if (publicKey?.kind !== key.kind) throw keyMismatch();
  const pssOnly = publicKey.kind === 'rsa' && publicKey.pssOnly;
  const scheme = input.scheme ?? (key.kind === 'ec' ? 'ecdsa' : pssOnly ? 'rsa-pss' : 'rsa-pkcs1');
  if ((scheme === 'ecdsa') !== (key.kind === 'ec'))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${scheme} cannot be used with ${key.kind === 'rsa' ? 'an RSA' : 'an EC'} key`);
  if (pssOnly && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'an RSASSA-PSS key signs with rsa-pss only');
  return { input, certificate, key, scheme };
}

function keyMismatch(): SealpostError {
  return new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
}

async function signerInfo(ctx: Context, signer: PreparedSigner, messageDigest: Bytes): Promise<Bytes> {
  const { input, certificate, key, scheme } = signer;
  const signedAttributes = kit.newSignedAttributes({ messageDigest, signingTime: input.signingTime, smimeCapabilities: input.smimeCapabilities });
  const attributes = der.setOf(signedAttributes);
  const params = kit.signingParams(scheme, input.digest);
  const signature = await createSignature(ctx, key, scheme, input.digest, attributes);
  // Checking the fresh signature against the certificate catches a key that belongs to another
  // certificate, and a faulty RSA-CRT computation, before anything is sent.
  if (!(await verifySignature(ctx, certificate.publicKey, params, attributes, signature))) throw keyMismatch();
  return kit.signerInfo({ certificate, digest: input.digest, signedAttributes, signatureAlgorithm: kit.signatureAlgorithmIdentifier(params), signature });
}

function checkedCertificate(certificateDer: Uint8Array): Uint8Array {
  const node = certificateDer instanceof Uint8Array ? decodeElement(certificateDer) : null;
  if (node === null || !isUniversal(node, 16)) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'an extra certificate is not DER');
  return certificateDer;
}
