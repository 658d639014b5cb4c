/**
 * Certificate path building and checking for S/MIME (a profile of RFC 5280 section 6): issuer by
 * Name (and key identifiers when both are present), signatures through the backend, validity at
 * `now`, CA constraints, name constraints, the algorithm policy on every certificate, and the leaf's
 * permission to protect e-mail. docs/verdicts.md (rule 7) lists each rule and its code.
 */
import type { CryptoBackend } from '../backend.js';
import { SealpostError, throwIfAborted } from '../errors.js';
import { bytesEqual } from '../bytes.js';
import { parseCertificateDetails, type CertificateDetails } from './certificate.js';
import { OID } from '../asn1/oids.js';
import { nameConstraintErrors } from './name-constraints.js';
import type { CertificateInfo, ChainError, ChainPolicy, ChainPurpose, ChainResult } from './types.js';
import type { AbortSignalLike } from '../runtime-types.js';

export interface BuildChainOptions {
  /** Candidate intermediates (from the message, a store...); unreadable ones are skipped. */
  readonly intermediates: readonly Uint8Array[];
  /** Trust anchors, trusted as given (their validity is still checked). */
  readonly anchors: readonly Uint8Array[];
  readonly now: Date;
  readonly backend: Pick<CryptoBackend, 'verifyCertificateSignature'>;
  readonly purpose: ChainPurpose;
  readonly signal?: AbortSignalLike;
  /**
   * Most certificates in a path, leaf and anchor included (ERR_CHAIN_TOO_LONG beyond it). Default 16:
   * deeper than any public or enterprise S/MIME hierarchy, and it bounds the search.
   */
  readonly maxLength?: number;
  /** Algorithms refused anywhere on the path. Default DEFAULT_CHAIN_POLICY. */
  readonly policy?: ChainPolicy;
}

export const DEFAULT_MAX_CHAIN_LENGTH = 16;

/** The default policy: no MD5 or SHA-1 certificate signatures, no RSA key under 2048 bits or with an exponent under 65537. */
export const DEFAULT_CHAIN_POLICY: ChainPolicy = Object.freeze({ refusedDigests: Object.freeze(['md5', 'sha-1'] as const), minRsaBits: 2048, minRsaExponent: 65537n });
/**
 * Work one call may spend, so a message full of look-alike certificates (which can form
 * exponentially many paths) cannot stall it.
 */
const MAX_SIGNATURE_CHECKS = 100;
const MAX_PATH_STEPS = 1000;

/** Extensions this checker understands; any other critical extension makes a certificate unusable. */
const UNDERSTOOD_EXTENSIONS = new Set<string>([
  OID.keyUsage,
  OID.basicConstraints,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.nameConstraints,
  // No policy is required of S/MIME chains, so policies need no processing (RFC 5280 6.1.1 any-policy
  // with initial-explicit-policy unset). policyConstraints, policyMappings and inhibitAnyPolicy could
  // change that outcome, so they are not listed: marked critical, they make the certificate unusable.
  OID.certificatePolicies,
]);

interface Node {
  readonly details: CertificateDetails;
  readonly info: CertificateInfo;
  readonly anchor: boolean;
  /** Unique per certificate in one search (the leaf is -1), for remembering signature checks. */
  readonly id: number;
}

function node(details: CertificateDetails, anchor: boolean, id: number): Node {
  return { details, info: details.info, anchor, id };
}

/** Builds a path from `leaf` to one of `options.anchors` and checks it for `options.purpose`. */
export async function buildChain(leaf: Uint8Array, options: BuildChainOptions): Promise<ChainResult> {
  throwIfAborted(options.signal);
  const maxLength = options.maxLength ?? DEFAULT_MAX_CHAIN_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError('buildChain: maxLength must be a positive integer');
  const anchors = options.anchors.map((der, index) => node(parseCertificateDetails(der), true, index));
  const leafNode = node(parseCertificateDetails(leaf), false, -1);
  const leafAnchor = anchors.find((anchor) => bytesEqual(anchor.info.der, leaf));
  if (leafAnchor !== undefined) return resultFor([leafAnchor], true, options);

  const pool = [...anchors, ...readableIntermediates(options.intermediates, anchors)];
  const search = new PathSearch(pool, options, maxLength);
  const found = await search.run(leafNode);
  if (found !== null) return resultFor(found, true, options);
  return resultFor(search.longest, false, options, search.untrustedError(leafNode.info));
}

function readableIntermediates(intermediates: readonly Uint8Array[], anchors: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (const der of intermediates) {
    if (anchors.some((anchor) => bytesEqual(anchor.info.der, der)) || out.some((known) => bytesEqual(known.info.der, der))) continue;
    try {
      out.push(node(parseCertificateDetails(der), false, anchors.length + out.length));
    } catch {
      // A certificate that cannot be read cannot be on a path; the path search reports what is missing.
    }
  }
  return out;
}

class PathSearch {
  /** The longest path tried, for reporting when no anchor is reached. */
  longest: Node[] = [];
  private firstFailed: Node[] | null = null;
  private signatureChecks = 0;
  private steps = 0;
  private signatureFailed = false;
  /** A path stopped at maxLength with issuers still to try. */
  private cutShort = false;
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly pool: readonly Node[],
    private readonly options: BuildChainOptions,
    private readonly maxLength: number,
  ) {}

  /** The first path that reaches an anchor with no errors; else the first that reaches one; else null. */
  async run(leaf: Node): Promise<Node[] | null> {
    this.longest = [leaf];
    const clean = await this.extend([leaf]);
    return clean ?? this.firstFailed;
  }

  untrustedError(leaf: CertificateInfo): ChainError {
    if (this.cutShort) {
      const message = `no chain from "${leaf.subject}" to a trust anchor within ${this.maxLength} certificates (the maximum path length)`;
      return { code: 'ERR_CHAIN_TOO_LONG', message };
    }
    const message = this.signatureFailed ? `a certificate signature on the way from "${leaf.subject}" to a trust anchor does not verify` : `no chain from "${leaf.subject}" to a trust anchor`;
    return { code: 'ERR_CHAIN_UNTRUSTED', message };
  }

  private async extend(path: Node[]): Promise<Node[] | null> {
    const last = path[path.length - 1];
    if (last === undefined) return null;
    if (path.length > this.longest.length) this.longest = path;
    if (path.length >= this.maxLength) {
      if (this.issuerCandidates(last, path).length > 0) this.cutShort = true;
      return null;
    }
    if (++this.steps > MAX_PATH_STEPS) return null;
    for (const issuer of this.issuerCandidates(last, path)) {
      if (this.signatureChecks >= MAX_SIGNATURE_CHECKS || this.steps > MAX_PATH_STEPS) return null;
      if (!(await this.signedBy(last, issuer))) continue;
      const next = [...path, issuer];
      if (issuer.anchor) {
        if (pathErrors(next, this.options).length === 0) return next;
        this.firstFailed ??= next;
        if (next.length > this.longest.length) this.longest = next;
        continue;
      }
      const found = await this.extend(next);
      if (found !== null) return found;
    }
    return null;
  }

  /** Certificates whose subject is `child`'s issuer, not yet on the path; anchors first, then those valid now. */
  private issuerCandidates(child: Node, path: readonly Node[]): Node[] {
    const now = this.options.now.getTime();
    const validNow = (candidate: Node): number => (withinValidity(candidate.info, now) ? 0 : 1);
    return this.pool
      .filter((candidate) => !path.some((onPath) => bytesEqual(onPath.info.der, candidate.info.der)))
      .filter((candidate) => bytesEqual(candidate.info.subjectDer, child.info.issuerDer))
      .filter((candidate) => keyIdentifiersAgree(child.info, candidate.info))
      .sort((a, b) => Number(b.anchor) - Number(a.anchor) || validNow(a) - validNow(b));
  }

  private async signedBy(child: Node, issuer: Node): Promise<boolean> {
    const key = `${child.id}>${issuer.id}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    throwIfAborted(this.options.signal);
    const memo = signatureMemoOf(this.options.backend, child.details);
    let valid = memo.get(issuer.details);
    if (valid === undefined) {
      this.signatureChecks++;
      try {
        const { signal } = this.options;
        const request = { certificate: child.info.der, issuer: issuer.info.der };
        valid = await this.options.backend.verifyCertificateSignature(signal === undefined ? request : { ...request, signal });
      } catch (error) {
        if (error instanceof SealpostError && (error.code === 'ERR_ABORTED' || error.code === 'ERR_TIMEOUT')) throw error;
        // An algorithm the backend cannot check is no evidence of the issuer: treat it as not signed.
        valid = false;
      }
      memo.set(issuer.details, valid);
    }
    throwIfAborted(this.options.signal);
    if (!valid) this.signatureFailed = true;
    this.verdicts.set(key, valid);
    return valid;
  }
}

/** RFC 5280 4.2.1.1: when the child names its issuer's key and the candidate names its own, they must agree. */
function keyIdentifiersAgree(child: CertificateInfo, candidate: CertificateInfo): boolean {
  return child.authorityKeyId === null || candidate.subjectKeyId === null || child.authorityKeyId === candidate.subjectKeyId;
}

function resultFor(path: readonly Node[], reachedAnchor: boolean, options: BuildChainOptions, untrusted?: ChainError): ChainResult {
  const errors = [...(untrusted === undefined ? [] : [untrusted]), ...pathErrors(path, options)];
  return { trusted: reachedAnchor && errors.length === 0, chain: path.map((item) => item.info.der), errors };
}

function withinValidity(info: CertificateInfo, now: number): boolean {
  return info.notBefore.getTime() <= now && now <= info.notAfter.getTime();
}

/** Every rule the path breaks, leaf first. */
function pathErrors(path: readonly Node[], options: BuildChainOptions): ChainError[] {
  const errors: ChainError[] = [];
  const now = options.now.getTime();
  path.forEach((item, index) => {
    const { info } = item;
    if (now < info.notBefore.getTime()) {
      const message = `certificate "${info.subject}" is not valid before ${info.notBefore.toISOString()}`;
      errors.push({ code: 'ERR_CERTIFICATE_NOT_YET_VALID', message });
    } else if (now > info.notAfter.getTime()) {
      const message = `certificate "${info.subject}" expired on ${info.notAfter.toISOString()}`;
      errors.push({ code: 'ERR_CERTIFICATE_EXPIRED', message });
    }
    const unknownCritical = item.details.criticalExtensions.filter((oid) => !UNDERSTOOD_EXTENSIONS.has(oid));
    if (unknownCritical.length > 0) {
      const message = `certificate "${info.subject}" has an unsupported critical extension ${unknownCritical.join(', ')}`;
      errors.push({ code: 'ERR_CHAIN_UNTRUSTED', message });
    }
    if (index === 0) errors.push(...leafUsageErrors(info, options.purpose));
    else errors.push(...issuerErrors(path, index));
    errors.push(...policyErrors(item, index, options.policy ?? DEFAULT_CHAIN_POLICY));
  });
  errors.push(...nameConstraintErrors(path));
  return errors;
}

/**
 * The algorithm policy for one certificate: the hash of its signature, unless it is a trust anchor
 * (RFC 5280 6.1 never checks an anchor's own signature: it is trusted as given, so its self-signature
 * proves nothing either way), and the RSA key of every issuer, anchors included, since that key is
 * what vouches for the certificate below. The leaf's own key is the signer's, which the verifier's
 * policy checks (rule 6).
 */
function policyErrors(item: Node, index: number, policy: ChainPolicy): ChainError[] {
  const { info, signatureDigest } = item.details;
  const errors: ChainError[] = [];
  if (!item.anchor && signatureDigest !== null && policy.refusedDigests.includes(signatureDigest)) {
    errors.push({ code: 'ERR_WEAK_DIGEST', message: `certificate "${info.subject}" is signed with ${signatureDigest}, which the policy refuses` });
  }
  const key = info.publicKey;
  if (index > 0 && key.type === 'rsa') {
    if (key.bits < policy.minRsaBits) {
      errors.push({ code: 'ERR_WEAK_KEY', message: `issuer "${info.subject}" has an RSA key of ${key.bits} bits, under the policy minimum of ${policy.minRsaBits}` });
    }
    if (key.exponent < policy.minRsaExponent) {
      const message = `issuer "${info.subject}" has RSA public exponent ${key.exponent}, under the policy minimum of ${policy.minRsaExponent}`;
      errors.push({ code: 'ERR_WEAK_KEY', message });
    }
  }
  return errors;
}

function usageError(message: string): ChainError {
  return { code: 'ERR_CERTIFICATE_USAGE', message };
}

function allowsEmailProtection(info: CertificateInfo): boolean {
  const purposes = info.extendedKeyUsage;
  return purposes === null || purposes.includes(OID.emailProtection) || purposes.includes(OID.anyExtendedKeyUsage);
}

function leafUsageErrors(info: CertificateInfo, purpose: ChainPurpose): ChainError[] {
  const errors: ChainError[] = [];
  if (!allowsEmailProtection(info)) errors.push(usageError(`certificate "${info.subject}" is not allowed for e-mail protection (extKeyUsage)`));
  if (info.keyUsage !== null) {
    const allowed = purpose === 'smime-sign' ? signingUsages() : encryptionUsages(info);
    if (!allowed.some((usage) => info.keyUsage?.includes(usage))) {
      const operation = purpose === 'smime-sign' ? 'signing' : 'encryption';
      errors.push(usageError(`certificate "${info.subject}" keyUsage does not allow ${operation} (needs ${allowed.join(' or ')})`));
    }
  }
  return errors;
}

function signingUsages(): string[] {
  return ['digitalSignature', 'nonRepudiation'];
}

function encryptionUsages(info: CertificateInfo): string[] {
  switch (info.publicKey.type) {
    case 'rsa':
      return ['keyEncipherment'];
    case 'ec':
    case 'x25519':
    case 'x448':
      return ['keyAgreement'];
    default:
      return ['keyEncipherment', 'keyAgreement'];
  }
}

/** CA rules for the certificate at `index`, which issued the one at `index - 1`. */
function issuerErrors(path: readonly Node[], index: number): ChainError[] {
  const item = path[index];
  if (item === undefined) return [];
  const { info } = item;
  const errors: ChainError[] = [];
  // RFC 5280 6.1.4 (k) asks that a CA be known as one "as specified in a basicConstraints extension or
  // as verified out-of-band": a caller's own X.509 v1 anchor (which cannot carry extensions) is
  // trusted out of band, as OpenSSL trusts it. A v1 intermediate is not.
  const v1Anchor = item.anchor && item.details.version === 0;
  if (!info.isCA && !v1Anchor) errors.push(usageError(`issuer "${info.subject}" is not a CA (basicConstraints)`));
  if (info.keyUsage !== null && !info.keyUsage.includes('keyCertSign')) {
    errors.push(usageError(`issuer "${info.subject}" keyUsage does not allow keyCertSign`));
  }
  if (!allowsEmailProtection(info)) errors.push(usageError(`issuer "${info.subject}" is not allowed for e-mail protection (extKeyUsage)`));
  if (info.pathLength !== null) {
    // RFC 5280 6.1.4 (l)-(m): self-issued intermediates do not count against the constraint.
    const below = path.slice(1, index).filter((intermediate) => !intermediate.info.selfIssued).length;
    if (below > info.pathLength) {
      errors.push(usageError(`issuer "${info.subject}" allows ${info.pathLength} intermediate CA(s) below it, the path has ${below}`));
    }
  }
  return errors;
}

// Whether an issuer signed a certificate is a fact about their bytes (and the backend that checked it):
// remembered across messages, so the same sender's chain is checked once, not once per message. Keyed by
// the certificates as read (parseCertificateDetails gives the same object for the same bytes while it
// remembers them), so the entries go when those do.
const SIGNATURE_VERDICTS = new WeakMap<object, WeakMap<CertificateDetails, WeakMap<CertificateDetails, boolean>>>();

function signatureMemoOf(backend: object, certificate: CertificateDetails): WeakMap<CertificateDetails, boolean> {
  let byCertificate = SIGNATURE_VERDICTS.get(backend);
  if (byCertificate === undefined) SIGNATURE_VERDICTS.set(backend, (byCertificate = new WeakMap()));
  let byIssuer = byCertificate.get(certificate);
  if (byIssuer === undefined) byCertificate.set(certificate, (byIssuer = new WeakMap()));
  return byIssuer;
}
