import type { ContentCipher } from '../backend.js';
import { type Node, childrenOf, isUniversal, oidOf, smallIntegerOf } from '../asn1/accessors.js';
import { TAG } from '../asn1/ber-reader.js';
import * as der from '../asn1/der-writer.js';
import { CIPHER_BY_OID, CONTENT_CIPHER_OIDS, OID } from '../asn1/oids.js';

/**
 * SMIMECapabilities (RFC 8551 2.5.2), the same SEQUENCE OF SMIMECapability in a signed attribute and
 * in a certificate's smimeCapabilities extension (RFC 4262), as content cipher names.
 */

/** RC2-CBC named by its effective key size, the way reports and SMIMECapabilities name it. */
export type Rc2Cipher = 'rc2-40-cbc' | 'rc2-64-cbc' | 'rc2-128-cbc';

const RC2_BY_KEY_BITS: Readonly<Record<number, Rc2Cipher>> = { 40: 'rc2-40-cbc', 64: 'rc2-64-cbc', 128: 'rc2-128-cbc' };

const RC2_KEY_BITS: Readonly<Record<Rc2Cipher, number>> = { 'rc2-40-cbc': 40, 'rc2-64-cbc': 64, 'rc2-128-cbc': 128 };

// RFC 2268 6 / RFC 3370 4.3.2: RC2CBCParameter's rc2ParameterVersion stands for the effective key bits.
const RC2_KEY_BITS_BY_VERSION: Readonly<Record<number, number>> = { 160: 40, 120: 64, 58: 128 };

/** The RC2 name for an effective key size in bits (40, 64 or 128), or null for any other size. */
export function rc2CipherOfKeyBits(bits: number): Rc2Cipher | null {
  return Object.hasOwn(RC2_BY_KEY_BITS, bits) ? RC2_BY_KEY_BITS[bits]! : null;
}

/** The RC2 name for an RC2CBCParameter rc2ParameterVersion (160, 120 or 58), or null for any other. */
export function rc2CipherOfParameterVersion(version: number): Rc2Cipher | null {
  return Object.hasOwn(RC2_KEY_BITS_BY_VERSION, version) ? rc2CipherOfKeyBits(RC2_KEY_BITS_BY_VERSION[version]!) : null;
}

/** The effective key bits of a sized RC2 name; null for any other cipher (`rc2-cbc` included). */
export function rc2KeyBits(cipher: ContentCipher): number | null {
  return Object.hasOwn(RC2_KEY_BITS, cipher) ? RC2_KEY_BITS[cipher as Rc2Cipher] : null;
}

/**
 * The content ciphers an SMIMECapabilities value names, in the order sent. Capabilities that are not
 * content ciphers, or that it cannot read, are left out: the list only ever informs a choice, so a
 * sender's odd entry must not make its message or certificate unreadable. RC2 is named by the key size
 * its parameter gives (RFC 8551 2.5.2), plain `rc2-cbc` when the parameter names no known size.
 */
export function smimeCapabilityCiphers(value: Node | undefined): ContentCipher[] {
  if (value === undefined || !isUniversal(value, TAG.SEQUENCE)) return [];
  const out: ContentCipher[] = [];
  for (const capability of childrenOf(value) ?? []) {
    const cipher = capabilityCipher(capability);
    if (cipher !== null) out.push(cipher);
  }
  return out;
}

function capabilityCipher(capability: Node): ContentCipher | null {
  if (!isUniversal(capability, TAG.SEQUENCE)) return null;
  const [id, parameter] = childrenOf(capability) ?? [];
  const oid = oidOf(id);
  if (oid === null) return null;
  if (oid !== OID.rc2Cbc) return CIPHER_BY_OID[oid] ?? null;
  const bits = smallIntegerOf(parameter);
  return (bits === null ? null : rc2CipherOfKeyBits(bits)) ?? 'rc2-cbc';
}

/** SMIMECapabilities naming `ciphers` in the order given, DER; TypeError for a name that is not a ContentCipher. */
export function smimeCapabilitiesDer(ciphers: readonly ContentCipher[]): Uint8Array<ArrayBuffer> {
  return der.sequence(...ciphers.map(capabilityDer));
}

// RFC 8551 2.5.2: RC2 is announced with its key length in bits (plain rc2-cbc as 128, what a backend
// claiming RC2 decrypts at least); the other ciphers carry no parameters.
function capabilityDer(cipher: ContentCipher): Uint8Array<ArrayBuffer> {
  const oid = Object.hasOwn(CONTENT_CIPHER_OIDS, cipher) ? CONTENT_CIPHER_OIDS[cipher] : undefined;
  if (oid === undefined) throw new TypeError(`unknown content cipher ${String(cipher)} in smimeCapabilities`);
  const rc2Bits = cipher === 'rc2-cbc' ? 128 : rc2KeyBits(cipher);
  return rc2Bits === null ? der.algorithmIdentifier(oid) : der.algorithmIdentifier(oid, der.integer(rc2Bits));
}
