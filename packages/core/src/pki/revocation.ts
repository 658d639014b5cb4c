/**
 * Revocation checking of a certification path (RFC 5280 6.3 for CRLs, RFC 6960 for OCSP): every
 * certificate but the trust anchor is asked about, first in the CRLs the caller gave, then at its
 * OCSP responders, then at its CRL distribution points (http: only). An answer counts only when it
 * is signed by the certificate's issuer (or, for OCSP, by a responder the issuer delegated to), is
 * about that certificate and was current at the verification time; any other answer is no answer,
 * never "good". docs/verdicts.md ("Revocation") lists each rule and its code.
 */
import type { CryptoBackend, DigestAlgorithm } from '../backend.js';
import { at, decodeAsn1, expectIntegerContents, expectSequence } from '../asn1/shape.js';
import { isContext } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import { bytesEqual, toHex } from '../bytes.js';
import { SealpostError, isSealpostError, throwIfAborted, type ErrorCode } from '../errors.js';
import { parseCertificateDetails, type CertificateDetails } from './certificate.js';
import { parseCrl, type CrlInfo, type RevocationReason } from './crl.js';
import { ocspRequestDer, parseOcspResponse, sameCertId, type OcspCertId, type OcspResponse, type OcspSingleResponse } from './ocsp.js';
import { FetchFailure, fetchBytes, isFetchable, type RevocationFetch } from './revocation-fetch.js';
import { createRevocationCache, type RevocationCache } from './revocation-cache.js';
import { readSpki } from './spki.js';
import type { ChainPolicy } from './types.js';
import type { AbortSignalLike } from '../runtime-types.js';

export type { RevocationReason } from './crl.js';

/** What an unanswered question does: nothing (`off`: not even asked), nothing but a report line, or untrusted. */
export type RevocationMode = 'off' | 'soft-fail' | 'hard-fail';

/** A signer's path as a whole: revoked if any certificate is, unknown if any is unanswered. */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not-checked';

/** The answer about one certificate of the path, and where it came from. */
export interface RevocationCheck {
  readonly subject: string;
  readonly serial: string;
  readonly status: 'good' | 'revoked' | 'unknown';
  /** Where the answer came from; absent when there was none. */
  readonly source?: 'crl' | 'ocsp';
  /** The URL it was fetched from (or taken from the cache for); absent for a CRL the caller gave. */
  readonly url?: string;
  /** When it was revoked (ISO 8601), and why when the answer says. */
  readonly revokedAt?: string;
  readonly reason?: RevocationReason;
  /** For `unknown`: why each source gave no usable answer (or that there was none to ask). */
  readonly problems?: readonly string[];
}

/** How answers are fetched and kept (createSealpost's `revocation` option). */
export interface RevocationOptions {
  /** Default globalThis.fetch. */
  readonly fetch?: RevocationFetch;
  /** Milliseconds for one request, connection to last byte. Default 5000. */
  readonly timeoutMs?: number;
  /** Most bytes of one CRL or OCSP response. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** Where answers are kept between verifications; default a new in-memory cache; false keeps none. */
  readonly cache?: RevocationCache | false;
}

export interface RevocationSettings {
  readonly fetch: RevocationFetch;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly cache: RevocationCache | null;
}

export const DEFAULT_REVOCATION_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_REVOCATION_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Most CRLs one verification may be given. */
export const MAX_CALLER_CRLS = 64;

/** Clocks differ: an answer may be dated this far after the verification time. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** An OCSP answer without nextUpdate ("newer information is always available") is used this long. */
const MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 60 * 60 * 1000;
/** URLs of each kind tried per certificate, so a certificate cannot make a verification fetch without end. */
const MAX_URLS_PER_KIND = 2;

/** Resolves createSealpost's `revocation` option; a wrong value is a programmer's mistake (RangeError/TypeError). */
export function resolveRevocationSettings(options: RevocationOptions = {}): RevocationSettings {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_REVOCATION_RESPONSE_BYTES;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('revocation.timeoutMs must be a positive number');
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) throw new RangeError('revocation.maxResponseBytes must be a positive integer');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('revocation.fetch must be a function');
  const given = options.fetch;
  // Looked up at each request, so a runtime that adds fetch later (or a test that replaces it) is seen.
  const fetch: RevocationFetch =
    given ??
    ((url, init) => {
      if (typeof globalThis.fetch !== 'function') return Promise.reject(new TypeError('this runtime has no fetch'));
      return globalThis.fetch(url, init);
    });
  const cache = options.cache === false ? null : (options.cache ?? createRevocationCache());
  return { fetch, timeoutMs, maxResponseBytes, cache };
}

/** A CRL the caller gave, read once per verification. */
export interface GivenCrl {
  readonly der: Uint8Array;
  readonly info: CrlInfo;
}

/** Reads the caller's CRLs; an unreadable one is ERR_CRL_MALFORMED, too many ERR_INVALID_ARGUMENT. */
export function readGivenCrls(crls: readonly Uint8Array[] | undefined): GivenCrl[] {
  if (crls === undefined) return [];
  if (!Array.isArray(crls)) throw new SealpostError('ERR_INVALID_ARGUMENT', 'crls must be an array of DER CRLs');
  if (crls.length > MAX_CALLER_CRLS) throw new SealpostError('ERR_INVALID_ARGUMENT', `at most ${MAX_CALLER_CRLS} CRLs may be given`);
  return crls.map((der: unknown) => {
    if (!(der instanceof Uint8Array)) throw new SealpostError('ERR_CRL_MALFORMED', 'CRL is malformed: not bytes');
    return { der: der.slice(), info: parseCrl(der) };
  });
}

export interface CheckRevocationOptions {
  /** The path as chain building found it: leaf first, trust anchor last. */
  readonly path: readonly Uint8Array[];
  readonly crls: readonly GivenCrl[];
  /** The verification time. */
  readonly now: Date;
  readonly backend: Pick<CryptoBackend, 'verifyCertificateSignature' | 'digest'>;
  /** The algorithm policy, for the signatures of CRLs, responses and responder certificates. */
  readonly policy: ChainPolicy;
  readonly settings: RevocationSettings;
  readonly signal?: AbortSignalLike;
}

/** One answer per certificate of the path, leaf first, the anchor left out. */
export async function checkRevocation(options: CheckRevocationOptions): Promise<RevocationCheck[]> {
  throwIfAborted(options.signal);
  const path = options.path.map((der) => parseCertificateDetails(der));
  const questions = path.slice(0, -1).map((certificate, index) => ({ certificate, issuer: path[index + 1] as CertificateDetails }));
  return Promise.all(questions.map(({ certificate, issuer }) => checkOne(certificate, issuer, options)));
}

/** The path's status, from the answers about its certificates. */
export function revocationStatusOf(checks: readonly RevocationCheck[] | null): RevocationStatus {
  if (checks === null || checks.length === 0) return 'not-checked';
  if (checks.some((check) => check.status === 'revoked')) return 'revoked';
  if (checks.some((check) => check.status === 'unknown')) return 'unknown';
  return 'good';
}

/**
 * The findings the answers make (docs/verdicts.md, revocation): a revoked certificate always, an
 * unanswered one only under hard-fail. Either makes the signer untrusted.
 */
export function revocationFindings(checks: readonly RevocationCheck[], mode: RevocationMode): { code: ErrorCode; message: string }[] {
  const out: { code: ErrorCode; message: string }[] = [];
  for (const check of checks) {
    if (check.status === 'revoked') {
      const why = check.reason === undefined ? '' : ` (${check.reason})`;
      const where = check.source === 'ocsp' ? `OCSP responder ${check.url ?? ''}`.trim() : check.url === undefined ? 'a CRL given by the caller' : `the CRL at ${check.url}`;
      out.push({ code: 'ERR_CERTIFICATE_REVOKED', message: `certificate "${check.subject}" was revoked on ${check.revokedAt ?? 'an unknown date'}${why}, says ${where}` });
    } else if (check.status === 'unknown' && mode === 'hard-fail') {
      const problems = check.problems === undefined || check.problems.length === 0 ? '' : `: ${check.problems.join('; ')}`;
      out.push({ code: 'ERR_REVOCATION_UNKNOWN', message: `the revocation status of certificate "${check.subject}" could not be learned${problems}` });
    }
  }
  return out;
}

interface Answer {
  readonly status: 'good' | 'revoked';
  readonly revokedAt?: Date;
  readonly reason?: RevocationReason | null;
  /** Until when the answer may be kept (its nextUpdate), ms; null: not kept. */
  readonly keepUntil: number | null;
}

/** Either an answer or why there is none. */
type Outcome = { readonly answer: Answer } | { readonly problem: string };

async function checkOne(certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<RevocationCheck> {
  const base = { subject: certificate.info.subject, serial: certificate.info.serial };
  const problems: string[] = [];
  const given = givenCrlOutcome(certificate, issuer, options);
  for (const outcome of await given) {
    if ('answer' in outcome) return reported(base, outcome.answer, 'crl');
    problems.push(outcome.problem);
  }
  const pointers = certificate.revocationPointers;
  for (const url of fetchableUrls(pointers.ocsp, 'OCSP responder', problems)) {
    const outcome = await ocspOutcome(url, certificate, issuer, options);
    if ('answer' in outcome) return reported(base, outcome.answer, 'ocsp', url);
    problems.push(outcome.problem);
  }
  for (const url of fetchableUrls(pointers.crl, 'CRL distribution point', problems)) {
    const outcome = await fetchedCrlOutcome(url, certificate, issuer, options);
    if ('answer' in outcome) return reported(base, outcome.answer, 'crl', url);
    problems.push(outcome.problem);
  }
  if (problems.length === 0) problems.push('no CRL was given for it and it names no OCSP responder or CRL distribution point');
  return { ...base, status: 'unknown', problems };
}

function reported(base: { subject: string; serial: string }, answer: Answer, source: 'crl' | 'ocsp', url?: string): RevocationCheck {
  return {
    ...base,
    status: answer.status,
    source,
    ...(url === undefined ? {} : { url }),
    ...(answer.revokedAt === undefined ? {} : { revokedAt: answer.revokedAt.toISOString() }),
    ...(answer.reason === undefined || answer.reason === null ? {} : { reason: answer.reason }),
  };
}

function fetchableUrls(urls: readonly string[], what: string, problems: string[]): string[] {
  const usable = urls.filter(isFetchable);
  for (const url of urls.filter((u) => !isFetchable(u))) problems.push(`${what} ${url} is not an http: URL`);
  return usable.slice(0, MAX_URLS_PER_KIND);
}

// ---- CRLs (RFC 5280 6.3.3) ----

async function givenCrlOutcome(certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Outcome[]> {
  const mine = options.crls.filter((crl) => bytesEqual(crl.info.issuerDer, issuer.info.subjectDer));
  const outcomes: Outcome[] = [];
  for (const crl of mine) outcomes.push(await crlOutcome(crl.der, crl.info, certificate, issuer, options, 'the CRL given'));
  // When several usable CRLs disagree, the one that lists the certificate wins.
  const answers = outcomes.filter((o): o is { answer: Answer } => 'answer' in o);
  const revoked = answers.find((o) => o.answer.status === 'revoked');
  if (revoked !== undefined) return [revoked];
  if (answers[0] !== undefined) return [answers[0]];
  return outcomes;
}

async function fetchedCrlOutcome(url: string, certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Outcome> {
  const key = `crl ${url}`;
  const cached = options.settings.cache?.get(key, Date.now());
  if (cached !== undefined) {
    const outcome = await crlFromBytes(cached, url, certificate, issuer, options);
    if ('answer' in outcome) return outcome;
  }
  let der: Uint8Array;
  try {
    der = await fetchBytes(url, fetchLimits(options));
  } catch (error) {
    return { problem: fetchProblem(error) };
  }
  const outcome = await crlFromBytes(der, url, certificate, issuer, options);
  if ('answer' in outcome && outcome.answer.keepUntil !== null) options.settings.cache?.set(key, der, outcome.answer.keepUntil);
  return outcome;
}

/** A distribution point serves one DER CRL (RFC 5280 4.2.1.13); anything else is no answer. */
async function crlFromBytes(der: Uint8Array, url: string, certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Outcome> {
  const info = tryParse(() => parseCrl(der));
  if (info === null) return { problem: `the CRL at ${url} is not a readable DER CRL` };
  return crlOutcome(der, info, certificate, issuer, options, `the CRL at ${url}`);
}

async function crlOutcome(der: Uint8Array, crl: CrlInfo, certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions, what: string): Promise<Outcome> {
  const now = options.now.getTime();
  const issuerInfo = issuer.info;
  // Only the certificate's own issuer may speak for it: a CRL signed by another key (an indirect
  // CRL or an issuer-authorized CRL signer) is not processed, so it is refused.
  if (!bytesEqual(crl.issuerDer, issuerInfo.subjectDer)) return { problem: `${what} is issued by "${crl.issuer}", not by "${issuerInfo.subject}"` };
  if (crl.authorityKeyId !== null && issuerInfo.subjectKeyId !== null && crl.authorityKeyId !== issuerInfo.subjectKeyId)
    return { problem: `${what} names another key of "${crl.issuer}" (authorityKeyIdentifier)` };
  if (issuerInfo.keyUsage !== null && !issuerInfo.keyUsage.includes('cRLSign')) return { problem: `"${issuerInfo.subject}" may not sign CRLs (its keyUsage has no cRLSign)` };
  if (crl.unprocessedCritical.length > 0) return { problem: `${what} has critical extensions that are not processed (${crl.unprocessedCritical.join(', ')})` };
  const weak = weakDigest(crl.signatureDigest, options.policy);
  if (weak !== null) return { problem: `${what} is signed with ${weak}, which the policy refuses` };
  if (crl.thisUpdate.getTime() > now + CLOCK_SKEW_MS) return { problem: `${what} was issued after the verification time (thisUpdate ${crl.thisUpdate.toISOString()})` };
  if (crl.nextUpdate === null) return { problem: `${what} has no nextUpdate` };
  if (crl.nextUpdate.getTime() < now) return { problem: `${what} had expired at the verification time (nextUpdate ${crl.nextUpdate.toISOString()})` };
  if (!(await signedBy(der, 'crl', issuerInfo.der, options))) return { problem: `the signature of ${what} does not verify with the key of "${issuerInfo.subject}"` };
  const keepUntil = crl.nextUpdate.getTime();
  const entry = crl.entries.get(certificate.info.serial);
  if (entry === undefined || entry.revocationDate.getTime() > now) return { answer: { status: 'good', keepUntil } };
  return { answer: { status: 'revoked', revokedAt: entry.revocationDate, reason: entry.reason, keepUntil } };
}

// ---- OCSP (RFC 6960) ----

async function ocspOutcome(url: string, certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Outcome> {
  let certId: OcspCertId;
  try {
    certId = await certIdFor(certificate, issuer, options);
  } catch (error) {
    if (isSealpostError(error, 'ERR_ABORTED')) throw error;
    return { problem: `no OCSP request could be made for "${certificate.info.subject}" (the backend cannot hash with SHA-1)` };
  }
  const key = `ocsp ${url} ${toHex(certId.issuerKeyHash)} ${toHex(certId.serialNumber)}`;
  const cached = options.settings.cache?.get(key, Date.now());
  if (cached !== undefined) {
    const outcome = await ocspFromBytes(cached, url, certId, issuer, options);
    if ('answer' in outcome) return outcome;
  }
  let der: Uint8Array;
  try {
    der = await fetchBytes(url, fetchLimits(options), { body: ocspRequestDer(certId), contentType: 'application/ocsp-request' });
  } catch (error) {
    return { problem: fetchProblem(error) };
  }
  const outcome = await ocspFromBytes(der, url, certId, issuer, options);
  if ('answer' in outcome && outcome.answer.keepUntil !== null) options.settings.cache?.set(key, der, outcome.answer.keepUntil);
  return outcome;
}

async function ocspFromBytes(der: Uint8Array, url: string, certId: OcspCertId, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Outcome> {
  let response: OcspResponse;
  try {
    response = parseOcspResponse(der);
  } catch (error) {
    return { problem: `OCSP responder ${url}: ${error instanceof Error ? error.message : 'unreadable answer'}` };
  }
  // A response about other certificates only (however well signed) is no answer about this one.
  const single = response.responses.find((candidate) => sameCertId(candidate.certId, certId));
  if (single === undefined) return { problem: `OCSP responder ${url} answered about another certificate` };
  const problem = await ocspProblem(response, single, issuer, options);
  if (problem !== null) return { problem: `OCSP responder ${url}: ${problem}` };
  if (single.status === 'unknown') return { problem: `OCSP responder ${url} does not know the certificate` };
  const keepUntil = single.nextUpdate?.getTime() ?? null;
  const revokedAt = single.revocationTime;
  // Revoked after the verification time: it was good then (an archive read with verificationTime).
  if (single.status === 'good' || revokedAt === null || revokedAt.getTime() > options.now.getTime()) return { answer: { status: 'good', keepUntil } };
  return { answer: { status: 'revoked', revokedAt, reason: single.reason, keepUntil } };
}

/** Why the response is not a current answer from someone entitled to give it, or null. */
async function ocspProblem(response: OcspResponse, single: OcspSingleResponse, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<string | null> {
  const now = options.now.getTime();
  if (response.unprocessedCritical.length > 0) return `the answer has critical extensions that are not processed (${response.unprocessedCritical.join(', ')})`;
  const weak = weakDigest(response.signatureDigest, options.policy);
  if (weak !== null) return `the answer is signed with ${weak}, which the policy refuses`;
  const { thisUpdate, nextUpdate } = single;
  if (thisUpdate.getTime() > now + CLOCK_SKEW_MS) return `the answer is dated after the verification time (thisUpdate ${thisUpdate.toISOString()})`;
  if (response.producedAt.getTime() > now + CLOCK_SKEW_MS) return `the answer was produced after the verification time (producedAt ${response.producedAt.toISOString()})`;
  if (response.producedAt.getTime() + CLOCK_SKEW_MS < thisUpdate.getTime()) return 'the answer was produced before the time it speaks for (producedAt before thisUpdate)';
  if (nextUpdate !== null && nextUpdate.getTime() < thisUpdate.getTime()) return 'the answer has nextUpdate before thisUpdate';
  if (nextUpdate !== null && nextUpdate.getTime() < now) return `the answer had expired at the verification time (nextUpdate ${nextUpdate.toISOString()})`;
  if (nextUpdate === null && now - thisUpdate.getTime() > MAX_AGE_WITHOUT_NEXT_UPDATE_MS) return `the answer has no nextUpdate and is older than ${MAX_AGE_WITHOUT_NEXT_UPDATE_MS / 60000} minutes`;
  const signer = await responderCertificate(response, issuer, options);
  if (typeof signer === 'string') return signer;
  if (!(await signedBy(response.basic, 'ocsp-response', signer, options))) return 'the signature of the answer does not verify';
  return null;
}

/**
 * RFC 6960 4.2.2.2: the response is signed by the CA that issued the certificate, or by a responder
 * certificate that this CA issued with id-kp-OCSPSigning, sent along in the response. Returns that
 * signer's certificate DER, or why there is none.
 */
async function responderCertificate(response: OcspResponse, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<Uint8Array | string> {
  if (await responderIs(response, issuer, options)) return issuer.info.der;
  const now = options.now.getTime();
  let why = 'the answer is signed by neither the issuer nor a certificate sent with it';
  for (const der of response.certificates) {
    const candidate = tryParse(() => parseCertificateDetails(der));
    if (candidate === null || !(await responderIs(response, candidate, options))) continue;
    const info = candidate.info;
    if (!bytesEqual(info.issuerDer, issuer.info.subjectDer) || !(await signedBy(info.der, 'certificate', issuer.info.der, options))) {
      why = `the responder certificate "${info.subject}" is not issued by "${issuer.info.subject}"`;
    } else if (!(info.extendedKeyUsage ?? []).includes(OID.OCSPSigning)) {
      why = `the responder certificate "${info.subject}" is not authorized to sign OCSP answers (no id-kp-OCSPSigning)`;
    } else if (now < info.notBefore.getTime() || now > info.notAfter.getTime()) {
      why = `the responder certificate "${info.subject}" is not valid at the verification time`;
    } else if (info.keyUsage !== null && !info.keyUsage.includes('digitalSignature') && !info.keyUsage.includes('nonRepudiation')) {
      why = `the responder certificate "${info.subject}" keyUsage does not allow signing`;
    } else if (weakDigest(candidate.signatureDigest, options.policy) !== null || weakKey(candidate, options.policy)) {
      why = `the responder certificate "${info.subject}" breaks the algorithm policy`;
    } else if (candidate.criticalExtensions.some((oid) => !RESPONDER_EXTENSIONS.has(oid))) {
      why = `the responder certificate "${info.subject}" has an unsupported critical extension`;
    } else {
      return info.der;
    }
  }
  return why;
}

/** Extensions a delegated responder certificate may mark critical. */
const RESPONDER_EXTENSIONS = new Set<string>([OID.keyUsage, OID.extKeyUsage, OID.basicConstraints, OID.subjectKeyIdentifier, OID.authorityKeyIdentifier, OID.subjectAltName, OID.pkixOcspNocheck]);

/** Whether the ResponderID names this certificate: its subject (byName) or its key's SHA-1 hash (byKey). */
async function responderIs(response: OcspResponse, candidate: CertificateDetails, options: CheckRevocationOptions): Promise<boolean> {
  if (response.responderName !== null) return bytesEqual(response.responderName, candidate.info.subjectDer);
  if (response.responderKeyHash === null) return false;
  return bytesEqual(response.responderKeyHash, await digest(options, 'sha-1', keyBitsOf(candidate)));
}

async function certIdFor(certificate: CertificateDetails, issuer: CertificateDetails, options: CheckRevocationOptions): Promise<OcspCertId> {
  const [issuerNameHash, issuerKeyHash] = await Promise.all([digest(options, 'sha-1', issuer.info.subjectDer), digest(options, 'sha-1', keyBitsOf(issuer))]);
  return { hashAlgorithm: OID.sha1, issuerNameHash, issuerKeyHash, serialNumber: serialContentsOf(certificate.info.der) };
}

function keyBitsOf(certificate: CertificateDetails): Uint8Array {
  return readSpki(decodeAsn1(certificate.info.spki, 'subjectPublicKeyInfo')).keyBytes;
}

/** The serial number's INTEGER contents octets as the certificate holds them. */
function serialContentsOf(der: Uint8Array): Uint8Array {
  const tbs = expectSequence(at(expectSequence(decodeAsn1(der, 'Certificate'), 'Certificate'), 0, 'tbsCertificate'), 'tbsCertificate');
  return expectIntegerContents(at(tbs, isContext(tbs[0], 0) ? 1 : 0, 'serialNumber'), 'serialNumber');
}

// ---- shared ----

async function digest(options: CheckRevocationOptions, algorithm: DigestAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  const { signal } = options;
  return options.backend.digest(signal === undefined ? { algorithm, data } : { algorithm, data, signal });
}

/** Whether `issuer`'s key made the signature of `der` (a certificate, CRL or OCSP response), through the backend. */
async function signedBy(der: Uint8Array, signed: 'certificate' | 'crl' | 'ocsp-response', issuer: Uint8Array, options: CheckRevocationOptions): Promise<boolean> {
  throwIfAborted(options.signal);
  try {
    const { signal } = options;
    const request = { certificate: der, issuer, signed };
    return await options.backend.verifyCertificateSignature(signal === undefined ? request : { ...request, signal });
  } catch (error) {
    if (isSealpostError(error, 'ERR_ABORTED') || isSealpostError(error, 'ERR_TIMEOUT')) throw error;
    // An algorithm the backend cannot check is no evidence: not signed.
    return false;
  }
}

function weakDigest(digestAlgorithm: DigestAlgorithm | null, policy: ChainPolicy): DigestAlgorithm | null {
  return digestAlgorithm !== null && policy.refusedDigests.includes(digestAlgorithm) ? digestAlgorithm : null;
}

function weakKey(certificate: CertificateDetails, policy: ChainPolicy): boolean {
  const key = certificate.info.publicKey;
  return key.type === 'rsa' && (key.bits < policy.minRsaBits || key.exponent < policy.minRsaExponent);
}

function fetchLimits(options: CheckRevocationOptions) {
  const { settings, signal } = options;
  const limits = { fetch: settings.fetch, timeoutMs: settings.timeoutMs, maxBytes: settings.maxResponseBytes };
  return signal === undefined ? limits : { ...limits, signal };
}

function fetchProblem(error: unknown): string {
  if (isSealpostError(error, 'ERR_ABORTED')) throw error;
  if (error instanceof FetchFailure) return error.message;
  throw error;
}

function tryParse<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
