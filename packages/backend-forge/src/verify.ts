import type { SignerCheck, VerifyRequest } from '@sealpost/core';
import { backendKit as kit, constantTimeEqual, isSealpostError, SealpostError, throwIfAborted } from '@sealpost/core';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { parseCertificate, type CertificateFacts } from './certificates.js';
import { computeDigest } from './digest.js';
import { verifySignature } from './signature-verify.js';
import { readSignedData, type ReceivedSignerInfo } from './signed-data-reader.js';

/** Checks every SignerInfo and reports the facts; a bad or uncheckable signature is a report, not a throw. */
export async function verifyCms(request: VerifyRequest): Promise<readonly SignerCheck[]> {
  throwIfAborted(request.signal);
  const signedData = readSignedData(request.cms);
  if (request.content !== undefined && !(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (request.certificates !== undefined && !Array.isArray(request.certificates)) throw new TypeError('certificates must be an array');
  const content = request.content ?? signedData.eContent;
  if (content === null && signedData.signers.length > 0)
    throw new SealpostError('ERR_INVALID_ARGUMENT', 'the signature is detached: pass the signed content');
  const candidates = [...signedData.certificates, ...(request.certificates ?? [])]
    .map(parseCertificate)
    .filter((c): c is CertificateFacts => c !== null);

  const checks: SignerCheck[] = [];
  for (const [index, signer] of signedData.signers.entries()) {
    throwIfAborted(request.signal);
    checks.push(checkSigner(index, signer, candidates, content ?? new Uint8Array(0)));
  }
  throwIfAborted(request.signal);
  return checks;
}

function checkSigner(index: number, signer: ReceivedSignerInfo, candidates: readonly CertificateFacts[], content: Uint8Array): SignerCheck {
  const sid = signer.sid;
  const certificate = sid === null ? undefined : candidates.find((c) => kit.identifies(sid, c));
  const base = { index, certificate: certificate?.der ?? null };
  const hasAttributes = signer.signedAttrs !== null;
  const uncheckable = (error: SealpostError): SignerCheck => ({
    ...base,
    signatureValid: false,
    messageDigestValid: hasAttributes ? false : null,
    error: { code: error.code, message: error.message },
  });

  const digest = kit.digestFromOid(signer.digestAlgorithm.oid);
  if (digest === null) return uncheckable(new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest algorithm ${signer.digestAlgorithm.oid} is not supported by this backend`));
  let contentDigest: Uint8Array;
  try {
    kit.assertDigest(FORGE_CAPABILITIES, digest);
    contentDigest = computeDigest(digest, content);
  } catch (error) {
    if (isSealpostError(error)) return uncheckable(error);
    throw error;
  }

  let messageDigestValid: boolean | null = null;
  let signedBytes = content;
  if (signer.signedAttrs !== null && signer.signedAttrsForSignature !== null) {
    const claimed = kit.messageDigestOf(signer.signedAttrs);
    messageDigestValid = claimed !== null && constantTimeEqual(claimed, contentDigest);
    signedBytes = signer.signedAttrsForSignature;
  }
  if (certificate === undefined) return { ...base, signatureValid: false, messageDigestValid, error: null };

  try {
    const params = kit.signatureParamsOf(signer.signatureAlgorithm, digest);
    const valid = verifySignature(certificate.publicKey, params, signedBytes, signer.signature);
    return { ...base, signatureValid: valid, messageDigestValid, error: null };
  } catch (error) {
    if (!isSealpostError(error)) throw error;
    return { ...base, signatureValid: false, messageDigestValid, error: { code: error.code, message: error.message } };
  }
}
