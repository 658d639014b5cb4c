import type { ContentCipher } from '../backend.js';
import { type Node, childrenOf, isUniversal, octetsOf, smallIntegerOf } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import { rc2CipherOfParameterVersion, rc2KeyBits } from '../cms/smime-capabilities.js';
import { SealpostError, decryptionFailed } from '../errors.js';
import { cbcDecrypt, desEde3Decryptor, LEGACY_BLOCK_LENGTH, rc2Decryptor } from '../legacy-ciphers/index.js';
import type { CipherSpec } from './algorithms.js';
import type { ContentParameters } from './content-parameters.js';
import type { ContentDecryption } from './primitives.js';

/**
 * The legacy content ciphers of old S/MIME mail: 3DES-CBC (RFC 3370 4.3.1, RFC 8551 2.7) and RC2-CBC
 * with 40, 64 or 128 effective key bits (RFC 3370 4.3.2). They are read, never written: the engine's
 * writer takes AES only. Their decryption is core's own (`legacy-ciphers/`), so every backend gives the
 * same plaintext and the same error for the same bytes, whatever its library offers (WebCrypto and
 * @noble/ciphers have neither cipher, Node's OpenSSL 3 has RC2 only in its legacy provider).
 */

/** Every legacy cipher, named as reports and SMIMECapabilities name it; the key length as OpenSSL and RFC 3370 use it. */
export const LEGACY_CIPHERS: readonly CipherSpec[] = [
  { name: 'des-ede3-cbc', oid: OID.desEde3Cbc, mode: 'cbc', keyLength: 24 },
  { name: 'rc2-40-cbc', oid: OID.rc2Cbc, mode: 'cbc', keyLength: 5, effectiveBits: 40 },
  { name: 'rc2-64-cbc', oid: OID.rc2Cbc, mode: 'cbc', keyLength: 8, effectiveBits: 64 },
  { name: 'rc2-128-cbc', oid: OID.rc2Cbc, mode: 'cbc', keyLength: 16, effectiveBits: 128 },
];

/** True for 3DES and RC2 (of any key size): read under the legacy policy, never written. */
export function isLegacyCipher(cipher: ContentCipher | string): boolean {
  return cipher === 'des-ede3-cbc' || cipher === 'rc2-cbc' || rc2KeyBits(cipher as ContentCipher) !== null;
}

/** The capability a backend lists for a cipher: `rc2-cbc` stands for RC2 of every key size. */
export function capabilityOf(cipher: ContentCipher): ContentCipher {
  return rc2KeyBits(cipher) === null ? cipher : 'rc2-cbc';
}

/** The refusal to write a legacy cipher, the same from every backend. */
export function legacyCipherNotWritten(cipher: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_CIPHER', `${cipher} is read from old messages but never written; encrypt with AES (aes-256-gcm or aes-256-cbc)`);
}

function cmsMalformed(message: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', `malformed CMS: ${message}`);
}

/**
 * The legacy cipher an EncryptedContentInfo names and its IV, or null for any other OID. Checked as
 * strictly as AES (ERR_CMS_MALFORMED for a malformed IV, ERR_UNSUPPORTED_CIPHER inside
 * AuthEnvelopedData or for an RC2 key size outside 40, 64 and 128 bits) when `strict`; otherwise, for
 * reports, the name when it can be told and null parameters.
 */
export function legacyCipherOf(oid: string, parameters: Node | undefined, authenticated: boolean, strict: boolean): { cipher: CipherSpec | null; parameters: ContentParameters | null } | null {
  if (oid !== OID.desEde3Cbc && oid !== OID.rc2Cbc) return null;
  try {
    if (authenticated && strict) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', 'CBC ciphers are not supported inside AuthEnvelopedData');
    const read = oid === OID.desEde3Cbc ? { cipher: LEGACY_CIPHERS[0]!, iv: ivOf(parameters, '3DES-CBC') } : rc2Parameters(parameters);
    return { cipher: read.cipher, parameters: strict ? { mode: 'cbc', iv: read.iv } : null };
  } catch (error) {
    if (strict) throw error;
    return { cipher: null, parameters: null };
  }
}

// RFC 3370 4.3.1: CBCParameter ::= IV ::= OCTET STRING (SIZE (8)).
function ivOf(node: Node | undefined, what: string): Uint8Array<ArrayBuffer> {
  const iv = isUniversal(node, 4) ? octetsOf(node) : null;
  if (iv === null || iv.length !== LEGACY_BLOCK_LENGTH) throw cmsMalformed(`the ${what} parameters are not an 8-octet IV`);
  return iv;
}

/**
 * RFC 3370 4.3.2: RC2CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER, iv OCTET STRING (8) },
 * the version standing for the effective key bits (RFC 2268 6: 160 = 40, 120 = 64, 58 = 128). RFC 2268
 * lets a bare IV (or, read loosely, a SEQUENCE without the version) stand for its default of 32 bits,
 * which S/MIME never used and OpenSSL refuses too: ERR_UNSUPPORTED_CIPHER, like any other size.
 */
function rc2Parameters(node: Node | undefined): { cipher: CipherSpec; iv: Uint8Array<ArrayBuffer> } {
  const fields = isUniversal(node, 16) ? childrenOf(node) : null;
  if (fields?.length === 2 && isUniversal(fields[0], 2)) {
    const iv = ivOf(fields[1], 'RC2-CBC');
    const version = smallIntegerOf(fields[0]);
    const name = version === null ? null : rc2CipherOfParameterVersion(version);
    const cipher = LEGACY_CIPHERS.find((c) => c.name === name);
    if (cipher === undefined) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `RC2 with rc2ParameterVersion ${version ?? '(out of range)'} is not supported (40, 64 and 128 effective key bits are)`);
    return { cipher, iv };
  }
  ivOf(fields?.length === 1 ? fields[0] : node, 'RC2-CBC');
  throw new SealpostError('ERR_UNSUPPORTED_CIPHER', 'RC2 with 32 effective key bits (an IV without rc2ParameterVersion) is not supported');
}

/**
 * Decrypts legacy content for a backend's `decryptContent` primitive. Every failure after the key is
 * known (a wrong key length, a ciphertext that is not whole blocks, bad padding) is the one generic
 * decryption error.
 */
export function decryptLegacyContent(input: ContentDecryption): Uint8Array {
  const { cipher, parameters, key } = input;
  if (parameters.mode !== 'cbc' || parameters.iv.length !== LEGACY_BLOCK_LENGTH || !isLegacyCipher(cipher.name)) throw new TypeError(`${cipher.name} is not a legacy CBC cipher`);
  if (key.length !== cipher.keyLength) throw decryptionFailed();
  const blocks = cipher.name === 'des-ede3-cbc' ? desEde3Decryptor(key) : rc2Decryptor(key, cipher.effectiveBits ?? 0);
  return cbcDecrypt(blocks, parameters.iv, input.ciphertext);
}
