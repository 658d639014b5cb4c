import type { DigestAlgorithm } from '../backend.js';
import { DEFAULT_CHAIN_POLICY, DEFAULT_MAX_CHAIN_LENGTH } from '../pki/chain.js';
import type { PublicKeyInfo } from '../pki/types.js';
import type { RevocationMode } from '../pki/revocation.js';
import type { ReportError, VerifyPolicy } from './types.js';
import { isLegacyCipher } from '../backend-kit/legacy-content.js';

export interface ResolvedPolicy {
  readonly refusedDigests: readonly DigestAlgorithm[];
  readonly minRsaBits: number;
  readonly minRsaExponent: bigint;
  /** Most certificates in a signer's path, leaf and anchor included (ERR_CHAIN_TOO_LONG). */
  readonly maxChainLength: number;
  readonly revocation: RevocationMode;
}

const DEFAULT_POLICY: ResolvedPolicy = { ...DEFAULT_CHAIN_POLICY, maxChainLength: DEFAULT_MAX_CHAIN_LENGTH, revocation: 'soft-fail' };
const LEGACY_POLICY: ResolvedPolicy = { refusedDigests: [], minRsaBits: 1024, minRsaExponent: 3n, maxChainLength: DEFAULT_MAX_CHAIN_LENGTH, revocation: 'soft-fail' };
const REVOCATION_MODES: readonly RevocationMode[] = ['off', 'soft-fail', 'hard-fail'];

export function resolvePolicy(...layers: (VerifyPolicy | undefined)[]): ResolvedPolicy {
  let out = DEFAULT_POLICY;
  for (const p of layers) {
    if (p === undefined) continue;
    const base = p.legacy === true ? LEGACY_POLICY : out;
    out = {
      refusedDigests: p.refusedDigests ?? base.refusedDigests,
      minRsaBits: p.minRsaBits ?? base.minRsaBits,
      minRsaExponent: p.minRsaExponent ?? base.minRsaExponent,
      maxChainLength: p.maxChainLength ?? out.maxChainLength,
      revocation: revocationModeOf(p.revocation) ?? out.revocation,
    };
  }
  return out;
}

function revocationModeOf(mode: unknown): RevocationMode | undefined {
  if (mode === undefined) return undefined;
  if (!REVOCATION_MODES.includes(mode as RevocationMode)) throw new RangeError(`policy.revocation must be one of ${REVOCATION_MODES.join(', ')}`);
  return mode as RevocationMode;
}

export function digestFindings(policy: ResolvedPolicy, digests: readonly (DigestAlgorithm | null)[]): ReportError[] {
  const weak = digests.filter((d): d is DigestAlgorithm => d !== null && policy.refusedDigests.includes(d));
  return [...new Set(weak)].map((d) => ({ code: 'ERR_WEAK_DIGEST', message: `signature uses ${d}, which the policy refuses` }));
}

export function keyFindings(policy: ResolvedPolicy, key: PublicKeyInfo): ReportError[] {
  if (key.type !== 'rsa') return [];
  const out: ReportError[] = [];
  if (key.bits < policy.minRsaBits) out.push({ code: 'ERR_WEAK_KEY', message: `RSA key of ${key.bits} bits is under the policy minimum of ${policy.minRsaBits}` });
  if (key.exponent < policy.minRsaExponent) out.push({ code: 'ERR_WEAK_KEY', message: `RSA public exponent ${key.exponent} is under the policy minimum of ${policy.minRsaExponent}` });
  return out;
}

/**
 * Rule 6 for decryption: the legacy content ciphers (3DES, RC2 of any key size) are read only when a
 * policy layer asks for `legacy`, as MD5/SHA-1 signatures are; refused before any key is used.
 */
export function cipherFindings(cipher: string, ...layers: (VerifyPolicy | undefined)[]): ReportError[] {
  if (!isLegacyCipher(cipher) || layers.some((p) => p?.legacy === true)) return [];
  return [{ code: 'ERR_WEAK_CIPHER', message: `${cipher} is a legacy cipher, which the policy refuses (policy legacy reads old archives)` }];
}
