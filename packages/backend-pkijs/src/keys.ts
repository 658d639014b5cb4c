import { arrayBufferBacked, der, SealpostError } from '@sealpost/core';
import type { Context } from './context.js';
import * as kit from '@sealpost/core/backend-kit';
import { copyOf, type Bytes } from './bytes.js';

/** What a key is, in the forms WebCrypto and the RSA arithmetic need. */

export type NamedCurve = kit.NamedCurve;

/** Octets in a field element (and in each half of a raw r||s signature). */
export const curveSize = kit.curveSize;

/** Core's reading of a public key (kit.publicKeyFactsOf), with the SubjectPublicKeyInfo WebCrypto imports. */
export type PublicKeyFacts =
  | (Extract<kit.PublicKeyFacts, { kind: 'rsa' }> & { readonly spki: Bytes })
  | (Extract<kit.PublicKeyFacts, { kind: 'ec' }> & { readonly spki: Bytes })
  | (Extract<kit.PublicKeyFacts, { kind: 'ed25519' | 'x25519' }> & { readonly spki: Bytes })
  | Extract<kit.PublicKeyFacts, { kind: 'other' }>;

/**
 * Reads a SubjectPublicKeyInfo with core's reader. RSA keys are rewrapped under rsaEncryption, because
 * WebCrypto refuses the id-RSASSA-PSS form some certificates use. Null if the structure is malformed.
 */
export function publicKeyFacts(spki: Uint8Array): PublicKeyFacts | null {
  const node = kit.decodeElement(spki);
  const facts = kit.publicKeyFactsOf(node ?? undefined);
  if (facts === null || facts.kind === 'other') return facts;
  // ML-KEM and ML-DSA keys never reach WebCrypto, which has neither: core's backend kit (noble-post-quantum.ts) takes them from core's facts.
  if (facts.kind === 'ml-kem' || facts.kind === 'ml-dsa') return { kind: 'other', oid: facts.kind === 'ml-kem' ? kit.mlKemOid(facts.parameterSet) : kit.mlDsaOid(facts.parameterSet) };
  if (facts.kind !== 'rsa') return { ...facts, spki: copyOf(spki) };
  const key = kit.bitStringBytes(kit.childrenOf(node ?? undefined)?.[1]);
  if (key === null) return null;
  return { ...facts, spki: der.sequence(der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()), der.tlv(0x03, Uint8Array.of(0), key)) };
}

/**
 * Loads a public key into WebCrypto: RSA keys as a JWK (Node's WebCrypto loads one several times faster
 * than an SPKI; browsers take either), EC and Ed25519 keys from their SubjectPublicKeyInfo.
 */
export function importPublicKey(ctx: Context, key: Exclude<PublicKeyFacts, { kind: 'other' }>, algorithm: RsaHashedImportParams | EcKeyImportParams | Algorithm, usage: KeyUsage): Promise<CryptoKey> {
  if (key.kind === 'rsa') return ctx.subtle.importKey('jwk', kit.rsaPublicJwk(key), algorithm, false, [usage]);
  return ctx.subtle.importKey('spki', arrayBufferBacked(key.spki), algorithm, false, [usage]);
}

export type PrivateKeyFacts =
  | { readonly kind: 'rsa'; readonly pkcs8: Bytes; readonly rsaPrivateKey: Bytes }
  | { readonly kind: 'ec'; readonly curve: NamedCurve; readonly pkcs8: Bytes }
  | { readonly kind: 'ed25519'; readonly pkcs8: Bytes }
  | { readonly kind: 'x25519'; readonly pkcs8: Bytes };

/**
 * The WebCrypto algorithm of an Ed25519 or X25519 key. Not every browser has them (Node 20, Deno, Bun,
 * Firefox 129/130, Safari 17 and Chromium 133/137 do): a runtime without one answers NotSupportedError,
 * which `unsupportedInRuntime` turns into the typed refusal.
 */
export const CURVE25519_ALGORITHMS = { ed25519: { name: 'Ed25519' }, x25519: { name: 'X25519' } } as const;

/** `code` when WebCrypto says it has no such algorithm, null for any other failure. */
export function unsupportedInRuntime(error: unknown, code: 'ERR_UNSUPPORTED_SIGNATURE' | 'ERR_UNSUPPORTED_KEY_AGREEMENT', name: string): SealpostError | null {
  if ((error as { name?: unknown } | null)?.name !== 'NotSupportedError') return null;
  return new SealpostError(code, `this runtime's WebCrypto has no ${name}`, { cause: error });
}

/** Reads a PKCS#8 PrivateKeyInfo; RSA keys come back rewrapped under rsaEncryption. */
export function privateKeyFacts(pkcs8: Uint8Array): PrivateKeyFacts {
  const { algorithm, privateKey: inner } = kit.privateKeyInfoOf(pkcs8);
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) {
    if (kit.childrenOf(kit.decodeElement(inner) ?? undefined) === null) throw kit.malformedKey();
    const normalized = der.sequence(der.integer(0), der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()), der.octetString(inner));
    return { kind: 'rsa', pkcs8: normalized, rsaPrivateKey: inner };
  }
  if (algorithm.oid === kit.OID.ecPublicKey) {
    const curveOid = kit.oidOf(algorithm.parameters) ?? ecPrivateKeyCurve(inner);
    const curve = curveOid === null ? undefined : kit.NAMED_CURVE_BY_OID[curveOid];
    if (curve === undefined) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only named curves P-256, P-384 and P-521 are supported');
    return { kind: 'ec', curve, pkcs8: new Uint8Array(pkcs8) };
  }
  if (algorithm.oid === kit.OID.ed25519 || algorithm.oid === kit.OID.x25519) {
    // RFC 8410 7: CurvePrivateKey, an OCTET STRING of 32 octets, inside the privateKey OCTET STRING.
    const node = kit.decodeElement(inner);
    if (algorithm.parameters !== undefined || !kit.isUniversal(node ?? undefined, 4) || kit.octetsOf(node ?? undefined)?.length !== 32) throw kit.malformedKey();
    return algorithm.oid === kit.OID.ed25519 ? { kind: 'ed25519', pkcs8: new Uint8Array(pkcs8) } : { kind: 'x25519', pkcs8: new Uint8Array(pkcs8) };
  }
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `private keys of type ${algorithm.oid} are not supported by this backend`);
}

/** ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function ecPrivateKeyCurve(ecPrivateKey: Uint8Array): string | null {
  const parts = kit.childrenOf(kit.decodeElement(ecPrivateKey) ?? undefined) ?? [];
  return kit.oidOf(kit.childrenOf(parts.find((p) => kit.isContext(p, 0)))?.[0]);
}
