import type { CryptoBackend, SignerCheck } from '../backend.js';
import { isUniversal } from '../asn1/accessors.js';
import { TAG, oidText } from '../asn1/ber-reader.js';
import { SealpostError, isSealpostError } from '../errors.js';
import { type SignedDataSummary, type SignerIdentifier, type SignerInfoSummary, inspectCms } from '../cms/inspect.js';
import { OID } from '../asn1/oids.js';
import { addressesEqual, decodeBody, fromAddress, parseMime } from '../mime/index.js';
import { toCrlf } from '../mime/lines.js';
import type { MimeEntity } from '../mime/types.js';
import { buildChain, parseCertificate } from '../pki/index.js';
import type { CertificateInfo } from '../pki/types.js';
import { type GivenCrl, type RevocationCheck, type RevocationSettings, checkRevocation, readGivenCrls, revocationFindings, revocationStatusOf } from '../pki/revocation.js';
import { findDescendant, isPkcs7SignatureType, smimeKind } from './detect.js';
import { cmsLimitsOf } from './cms-limits.js';
import { protectedFromOf, readHeaderProtection } from './header-protection.js';
import { namesCertificate } from './identifier.js';
import { type ResolvedPolicy, digestFindings, keyFindings, resolvePolicy } from './policy.js';
import { errorOf, summarizeCertificate, uniqueErrors } from './report.js';
import type { Limits, ReportError, SignerReport, VerifyOptions, VerifyPolicy, VerifyReport } from './types.js';

export interface VerifyContext {
  readonly backend: CryptoBackend;
  readonly policy: VerifyPolicy | undefined;
  readonly limits: Limits | undefined;
  readonly revocation: RevocationSettings;
}

type FromResult = ReturnType<typeof fromAddress>;

export async function verifyMessage(ctx: VerifyContext, message: Uint8Array, options: VerifyOptions): Promise<VerifyReport> {
  const root = parseMime(message, ctx.limits);
  return verifyParsed(ctx, root, options);
}

export async function verifyParsed(ctx: VerifyContext, root: MimeEntity, options: VerifyOptions): Promise<VerifyReport> {
  const from = fromAddress(root);
  if (isSignedEntity(root)) {
    const report = await verifySignedEntity(ctx, root, from, options);
    const protection = report.content === undefined ? undefined : readHeaderProtection(root.headers, report.content, { signed: true, encrypted: false }, ctx.limits);
    return protection === undefined ? report : { ...report, headerProtection: protection };
  }
  const nested = findDescendant(root, isSignedEntity);
  if (nested === undefined) return { status: 'not-signed', from: fromOf(from), signers: [], errors: [] };
  const inner = await verifySignedEntity(ctx, nested, from, options);
  return {
    ...inner,
    status: 'partially-signed',
    signedPath: nested.path,
    errors: [{ code: 'ERR_NOT_ROOT_SIGNED', message: `only part ${nested.path} is signed; the rest of the message is not covered` }, ...inner.errors],
  };
}

export function isSignedEntity(entity: MimeEntity): boolean {
  const kind = smimeKind(entity);
  if (kind === 'multipart-signed' || kind === 'signed-data') return true;
  if (kind !== 'pkcs7-mime') return false;
  try {
    return inspectCms(decodeBody(entity)).type === 'signed-data';
  } catch {
    return false;
  }
}

/** A limit is not a verdict: it is thrown with its own code, as for the outer message (docs/verdicts.md). */
export function throwIfLimit(error: unknown): void {
  if (isSealpostError(error) && error.code.startsWith('ERR_LIMIT_')) throw error;
}

function fromOf(from: FromResult): string | null {
  return from.status === 'ok' ? from.address : null;
}

function invalid(from: FromResult, errors: ReportError[], form?: 'detached' | 'opaque'): VerifyReport {
  return { status: 'invalid', from: fromOf(from), ...(form === undefined ? {} : { form }), signers: [], errors };
}

async function verifySignedEntity(ctx: VerifyContext, entity: MimeEntity, outerFrom: FromResult, options: VerifyOptions): Promise<VerifyReport> {
  let from = outerFrom;
  const form = smimeKind(entity) === 'multipart-signed' ? 'detached' : 'opaque';
  let cms: Uint8Array;
  let detachedContent: Uint8Array | undefined;
  if (form === 'detached') {
    const [content, signature, ...rest] = entity.children;
    if (content === undefined || signature === undefined || rest.length > 0 || !isPkcs7SignatureType(signature))
      return invalid(from, [{ code: 'ERR_CMS_MALFORMED', message: 'multipart/signed must have exactly two parts, the second application/pkcs7-signature' }], form);
    detachedContent = content.raw;
    cms = decodeBody(signature);
  } else {
    cms = decodeBody(entity);
  }

  let sd: SignedDataSummary;
  try {
    const summary = inspectCms(cms, cmsLimitsOf(ctx.limits));
    if (summary.type !== 'signed-data') return invalid(from, [{ code: 'ERR_CMS_MALFORMED', message: 'the signature is not CMS SignedData' }], form);
    sd = summary;
  } catch (error) {
    throwIfLimit(error);
    return invalid(from, [errorOf(error)], form);
  }
  if (form === 'detached' && sd.eContent !== null) return invalid(from, [{ code: 'ERR_DETACHED_WITH_CONTENT', message: 'a detached signature must not carry its own content' }], form);
  const content = detachedContent ?? sd.eContent;
  if (content === null) return invalid(from, [{ code: 'ERR_CMS_MALFORMED', message: 'opaque signed-data without content' }], form);
  // A header-protected payload carries the From its signer wrote: that is the one the signer is bound to
  // (RFC 9788 section 4.3.2), whatever the outer header says.
  from = protectedFromOf(content, ctx.limits) ?? from;
  if (sd.signers.length === 0) return invalid(from, [{ code: 'ERR_NO_SIGNERS', message: 'the signature has no signers' }], form);

  const backendCheck = (signed: Uint8Array | undefined): Promise<readonly SignerCheck[]> =>
    ctx.backend.verify({
      cms,
      limits: cmsLimitsOf(ctx.limits),
      ...(signed === undefined ? {} : { content: signed }),
      ...(options.certificates === undefined ? {} : { certificates: options.certificates }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  let checks: readonly SignerCheck[];
  try {
    checks = await backendCheck(detachedContent);
  } catch (error) {
    throwIfLimit(error);
    return invalid(from, [errorOf(error)], form);
  }
  let verified = content;
  let canonicalized = false;
  const canonical = detachedContent === undefined ? undefined : crlfFormOf(detachedContent, checks);
  if (canonical !== undefined) {
    // Stored with LF line ends (mbox, maildir, "save as"): the signer signed the CRLF canonical form.
    // Only that one rewriting is tried, and only when the bytes as received fail.
    const retried = await backendCheck(canonical).catch((error: unknown) => {
      throwIfLimit(error);
      return undefined;
    });
    if (retried !== undefined && retried.every((c) => c.messageDigestValid !== false)) {
      checks = retried;
      verified = canonical;
      canonicalized = true;
    }
  }

  const policy = resolvePolicy(ctx.policy, options.policy);
  const crls = policy.revocation === 'off' ? [] : readGivenCrls(options.crls);
  const signers: SignerReport[] = [];
  const policyFailed: boolean[] = [];
  for (const s of sd.signers) {
    const { report, policyOk } = await checkSigner(ctx, sd, s, checks[s.index], from, policy, options, crls);
    signers.push(report);
    policyFailed.push(!policyOk);
  }
  const status = decideStatus(signers, policyFailed, from);
  const errors = uniqueErrors([...fromErrors(from, signers, status), ...signers.flatMap((s) => s.errors)]);
  return {
    status,
    from: fromOf(from),
    form,
    signers,
    errors,
    ...(canonicalized ? { canonicalized } : {}),
    verificationTime: verificationTimeOf(options).toISOString(),
    content: verified,
  };
}

/**
 * The CRLF canonical form of a detached signature's content that failed its digest as received, when
 * that content has bare LF line ends (RFC 8551 3.1.1: the signature covers the canonical form); else undefined.
 */
function crlfFormOf(content: Uint8Array, checks: readonly SignerCheck[]): Uint8Array | undefined {
  if (!checks.some((c) => c.messageDigestValid === false)) return undefined;
  const canonical = toCrlf(content);
  return canonical === content ? undefined : canonical;
}

/** The time the chain is judged at: the caller's `verificationTime` (or its older name `now`), else now. */
export function verificationTimeOf(options: Pick<VerifyOptions, 'verificationTime' | 'now'>): Date {
  const given = options.verificationTime ?? options.now;
  if (given === undefined) return new Date();
  if (!(given instanceof Date) || Number.isNaN(given.getTime())) throw new SealpostError('ERR_INVALID_ARGUMENT', 'verificationTime must be a valid Date');
  return given;
}

function decideStatus(signers: readonly SignerReport[], policyFailed: readonly boolean[], from: FromResult): VerifyReport['status'] {
  if (signers.some((s) => !s.signatureValid) || policyFailed.some(Boolean)) return 'invalid';
  if (from.status !== 'ok') return 'invalid';
  if (signers.some((s) => s.trusted && s.matchesFrom)) return 'valid';
  // A trusted certificate for someone other than the sender is a spoof, not a trust problem.
  if (signers.some((s) => s.trusted)) return 'invalid';
  return 'untrusted';
}

function fromErrors(from: FromResult, signers: readonly SignerReport[], status: VerifyReport['status']): ReportError[] {
  if (from.status === 'missing') return [{ code: 'ERR_FROM_MISSING', message: 'the message has no single From address to check the signer against' }];
  if (from.status === 'multiple') return [{ code: 'ERR_FROM_MULTIPLE', message: 'the message names more than one From address' }];
  if (status !== 'valid' && !signers.some((s) => s.matchesFrom)) return [{ code: 'ERR_FROM_MISMATCH', message: `no signer certificate is issued to the From address ${from.address}` }];
  return [];
}

function structuralFindings(sd: SignedDataSummary, s: SignerInfoSummary): ReportError[] {
  const attrs = s.signedAttributes;
  if (attrs === null) {
    return sd.eContentType === OID.data ? [] : [{ code: 'ERR_CONTENT_TYPE_ATTRIBUTE', message: 'signed attributes are required when the content is not id-data' }];
  }
  const out: ReportError[] = [];
  const contentTypes = attrs.filter((a) => a.type === OID.contentType);
  const only = contentTypes.length === 1 && contentTypes[0]!.values.length === 1 ? contentTypes[0]!.values[0] : undefined;
  if (only === undefined) {
    out.push({ code: 'ERR_CONTENT_TYPE_ATTRIBUTE', message: 'the contentType attribute must appear exactly once with one value' });
  } else {
    // Read as it always was: any OBJECT IDENTIFIER whose arcs decode (the engine checks eContentType's encoding).
    const value = isUniversal(only, TAG.OID) ? oidText(only.contents) : null;
    if (value !== sd.eContentType) out.push({ code: 'ERR_CONTENT_TYPE_ATTRIBUTE', message: 'the contentType attribute differs from the signed content type' });
  }
  const digests = attrs.filter((a) => a.type === OID.messageDigest);
  if (digests.length !== 1 || digests[0]!.values.length !== 1) out.push({ code: 'ERR_MESSAGE_DIGEST_MISSING', message: 'the messageDigest attribute must appear exactly once with one value' });
  return out;
}

/** What cryptoFindings says of the signer's certificate alone, for a signature that is not judged. */
function certificateFindings(check: SignerCheck | undefined): ReportError[] {
  if (check === undefined) return [{ code: 'ERR_BACKEND', message: 'the backend did not report on this signer' }];
  return check.certificate === null ? [{ code: 'ERR_SIGNER_CERTIFICATE_MISSING', message: "the signer's certificate is not in the message" }] : [];
}

function cryptoFindings(check: SignerCheck | undefined): ReportError[] {
  if (check === undefined) return [{ code: 'ERR_BACKEND', message: 'the backend did not report on this signer' }];
  const out: ReportError[] = [];
  if (check.error !== null) out.push({ code: check.error.code, message: check.error.message });
  if (check.certificate === null) out.push({ code: 'ERR_SIGNER_CERTIFICATE_MISSING', message: "the signer's certificate is not in the message" });
  else if (!check.signatureValid) out.push({ code: 'ERR_SIGNATURE_INVALID', message: 'the signature does not verify' });
  if (check.messageDigestValid === false) out.push({ code: 'ERR_DIGEST_MISMATCH', message: 'the content does not match the signed digest' });
  return out;
}

/** The signer's certificate as the backend found it, if it really is the one the SignerInfo names. */
function signerCertificate(check: SignerCheck | undefined, sid: SignerIdentifier, errors: ReportError[]): CertificateInfo | null {
  if (check?.certificate == null) return null;
  try {
    const cert = parseCertificate(check.certificate);
    if (namesCertificate(sid, cert)) return cert;
    errors.push({ code: 'ERR_SIGNER_CERTIFICATE_MISSING', message: 'the certificate does not match the signer identifier' });
  } catch (error) {
    errors.push(errorOf(error));
  }
  return null;
}

async function checkSigner(
  ctx: VerifyContext,
  sd: SignedDataSummary,
  s: SignerInfoSummary,
  check: SignerCheck | undefined,
  from: FromResult,
  policy: ResolvedPolicy,
  options: VerifyOptions,
  crls: readonly GivenCrl[],
): Promise<{ report: SignerReport; policyOk: boolean }> {
  const policyErrors = digestFindings(policy, [s.digest, s.signatureDigest]);
  // A digest the policy refuses decides the signer: the signature is not judged at all, so the codes are
  // the policy's alone, whatever the backend could compute.
  const refusedDigest = policyErrors.length > 0;
  const errors: ReportError[] = [...structuralFindings(sd, s), ...(refusedDigest ? certificateFindings(check) : cryptoFindings(check))];
  if (s.digest === null) errors.push({ code: 'ERR_UNSUPPORTED_DIGEST', message: `unknown digest algorithm ${s.digestAlgorithmOid}` });

  const cert = signerCertificate(check, s.sid, errors);
  if (cert !== null) policyErrors.push(...keyFindings(policy, cert.publicKey));
  const signatureValid = errors.length === 0 && !refusedDigest;

  let trusted = false;
  let intermediates: readonly Uint8Array[] = [];
  let revocationChecks: RevocationCheck[] | null = null;
  const chainErrors: ReportError[] = [];
  if (cert !== null) {
    const chain = await buildChain(cert.der, {
      intermediates: [...sd.certificates, ...(options.certificates ?? [])],
      anchors: options.trustAnchors,
      now: verificationTimeOf(options),
      backend: ctx.backend,
      purpose: 'smime-sign',
      policy,
      maxLength: policy.maxChainLength,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    trusted = chain.trusted;
    if (trusted) intermediates = chain.chain.slice(1, -1);
    chainErrors.push(...chain.errors);
    // Revocation is asked about a path that is trusted otherwise: no other path would be asked about.
    if (trusted && policy.revocation !== 'off') {
      revocationChecks = await checkRevocation({
        path: chain.chain,
        crls,
        now: verificationTimeOf(options),
        backend: ctx.backend,
        policy,
        settings: ctx.revocation,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const findings = revocationFindings(revocationChecks, policy.revocation);
      if (findings.length > 0) trusted = false;
      chainErrors.push(...findings);
    }
  }
  const addresses = cert?.emailAddresses ?? [];
  const summary = cert === null ? null : await summarizeCertificate(ctx.backend, cert, options.signal);
  const fromAddr = from.status === 'ok' ? from.address : null;
  const report: SignerReport = {
    addresses,
    signatureValid,
    trusted,
    matchesFrom: fromAddr !== null && addresses.some((a) => addressesEqual(a, fromAddr)),
    digest: s.digest ?? s.digestAlgorithmOid,
    signatureAlgorithm: s.signatureScheme,
    ...(s.signingTime === null ? {} : { signingTime: s.signingTime.toISOString() }),
    ...(s.smimeCapabilities.length === 0 ? {} : { smimeCapabilities: s.smimeCapabilities }),
    certificate: summary,
    ...(cert === null ? {} : { certificateDer: cert.der }),
    ...(trusted ? { chain: intermediates } : {}),
    revocation: revocationStatusOf(revocationChecks),
    ...(revocationChecks === null || revocationChecks.length === 0 ? {} : { revocationChecks }),
    errors: uniqueErrors([...errors, ...policyErrors, ...chainErrors]),
  };
  return { report, policyOk: policyErrors.length === 0 };
}
