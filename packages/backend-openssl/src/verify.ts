import { devNull } from 'node:os';
import type { CmsAttribute, DigestAlgorithm, SignatureScheme, SignerCheck, SignerInfoSummary, VerifyRequest } from '@sealpost/core';
import { OID, SealpostError, bytesEqual, inspectCms, throwIfAborted } from '@sealpost/core';
import { type Certificate, identifies, readCertificateOrNull } from './certificates.js';
import type { Context } from './context.js';
import { isDer } from './der-check.js';
import { digestOf } from './node-crypto.js';
import { opensslLabel } from './openssl.js';
import { type SignedDataParts, oneSignerSignedData, signedDataParts } from './signed-data.js';

const VERB = ['cms', '-verify'] as const;

/**
 * Facts about every SignerInfo, in order. `openssl cms -verify` stops at the first bad signer and
 * folds the digest check into its verdict, so each signer is checked alone: its SignerInfo, exactly
 * as received, goes into a SignedData of its own with the content and the certificate its
 * identifier names, and openssl checks only the signature (`-no_content_verify` when there are
 * signed attributes; -noverify, since chains and trust are core's job). The messageDigest
 * attribute is compared with the content's digest here.
 */
export async function verifyCms(ctx: Context, request: VerifyRequest): Promise<readonly SignerCheck[]> {
  throwIfAborted(request.signal);
  if (!(request.cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  if (request.content !== undefined && !(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  const summary = inspectCms(request.cms);
  if (summary.type !== 'signed-data') throw new SealpostError('ERR_CMS_MALFORMED', 'malformed CMS: not SignedData');
  const parts = signedDataParts(request.cms);
  if (parts.signerInfos.length !== summary.signers.length) throw new SealpostError('ERR_CMS_MALFORMED', 'malformed CMS: unreadable SignerInfos');
  const content = request.content ?? summary.eContent;
  if (content === null) {
    if (summary.signers.length === 0) return [];
    throw new SealpostError('ERR_INVALID_ARGUMENT', 'the signature is detached: pass the signed content');
  }
  const candidates = [...summary.certificates, ...(request.certificates ?? [])]
    .map(readCertificateOrNull)
    .filter((c): c is Certificate => c !== null);
  const digests = new Map<DigestAlgorithm, Uint8Array>();
  const contentDigest = (algorithm: DigestAlgorithm): Uint8Array => {
    const known = digests.get(algorithm) ?? digestOf(algorithm, content);
    digests.set(algorithm, known);
    return known;
  };

  const checks: SignerCheck[] = [];
  // One at a time: a message with many SignerInfos must not start many processes at once.
  for (const signer of summary.signers) {
    checks.push(await checkSigner(ctx, parts, signer, candidates, content, contentDigest, request.signal));
    throwIfAborted(request.signal);
  }
  return checks;
}

async function checkSigner(
  ctx: Context,
  parts: SignedDataParts,
  signer: SignerInfoSummary,
  candidates: readonly Certificate[],
  content: Uint8Array,
  contentDigest: (algorithm: DigestAlgorithm) => Uint8Array,
  signal: AbortSignal | undefined,
): Promise<SignerCheck> {
  const certificate = candidates.find((c) => identifies(signer.sid, c)) ?? null;
  const base = { index: signer.index, certificate: certificate?.der ?? null };
  const attributes = signer.signedAttributes;
  const uncheckable = (code: string, message: string): SignerCheck => ({
    ...base,
    signatureValid: false,
    messageDigestValid: attributes === null ? null : false,
    error: { code, message },
  });

  const digest = signer.digest;
  if (digest === null || !ctx.capabilities.digests.includes(digest))
    return uncheckable('ERR_UNSUPPORTED_DIGEST', `digest algorithm ${digest ?? signer.digestAlgorithmOid} is not supported by this OpenSSL setup`);
  if (!ctx.capabilities.signatureSchemes.includes(signer.signatureScheme as SignatureScheme))
    return uncheckable('ERR_UNSUPPORTED_SIGNATURE', `signature algorithm ${signer.signatureScheme} is not supported by this backend`);

  const messageDigestValid = attributes === null ? null : matchesMessageDigest(attributes, contentDigest(digest));
  if (certificate === null) return { ...base, signatureValid: false, messageDigestValid, error: null };

  const signedAttributes = parts.signerInfos[signer.index]?.children[3];
  if (attributes !== null && (signedAttributes === undefined || signedAttributes.cls !== 2 || !isDer(signedAttributes, true)))
    return {
      ...base,
      signatureValid: false,
      messageDigestValid,
      error: { code: 'ERR_UNSUPPORTED_CMS', message: 'the signed attributes are not DER-encoded, so their signature cannot be checked as received' },
    };

  const exit = await ctx.openssl.run({
    verb: VERB,
    // -no-CA*: no trust store is needed, and loading the system's would triple the cost of the run.
    args: ['-noverify', '-no-CAfile', '-no-CApath', '-no-CAstore', '-binary', '-inform', 'DER', ...(attributes === null ? [] : ['-no_content_verify']), '-out', devNull],
    providers: true,
    stdin: oneSignerSignedData(parts, signer.index, content, certificate.der),
    ...(signal === undefined ? {} : { signal }),
  });
  // Exit code 4 is OpenSSL's "verification failed"; anything else means it could not judge.
  const error =
    exit.exitCode === 0 || exit.exitCode === 4
      ? null
      : { code: 'ERR_BACKEND', message: `${opensslLabel(VERB)} could not check this signer (exit code ${exit.exitCode})${exit.stderr === '' ? '' : `: ${exit.stderr.split('\n')[0]}`}` };
  return { ...base, signatureValid: exit.exitCode === 0, messageDigestValid, error };
}

/** True iff there is exactly one messageDigest attribute, with one value, equal to `digest`. */
function matchesMessageDigest(attributes: readonly CmsAttribute[], digest: Uint8Array): boolean {
  const found = attributes.filter((a) => a.type === OID.messageDigestAttr);
  const value = found.length === 1 && found[0]!.values.length === 1 ? found[0]!.values[0] : undefined;
  if (value === undefined || value.cls !== 0 || value.tagNumber !== 4 || value.constructed) return false;
  return bytesEqual(value.contents, digest);
}
