/**
 * PBES2 (RFC 8018): PBKDF2 with an HMAC PRF and AES-CBC, through WebCrypto. Used by encrypted
 * PKCS#8 keys and PKCS#12 bags. Legacy schemes (PKCS#12 PBE, PBES1) and ciphers WebCrypto lacks
 * are reported as UnsupportedEncryption so callers can say which one and how to re-export.
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha224 } from '@noble/hashes/sha2.js';
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { isUniversal } from '../asn1/accessors.js';
import { at, decodeAsn1, expectOctetString, expectOid, expectSequence, expectSmallInteger, shapeError } from '../asn1/shape.js';
import { arrayBufferBacked, randomBytes } from '../bytes.js';
import { algorithmIdentifier, integer, nullValue, octetString, sequence } from '../asn1/der-writer.js';
import { LEGACY_PBE_NAMES, OID, UNSUPPORTED_PBES2_CIPHERS } from '../asn1/oids.js';

/** The data names an encryption scheme WebCrypto cannot run. */
export class UnsupportedEncryption extends Error {
  readonly algorithm: string;
  constructor(algorithm: string) {
    super(`unsupported encryption ${algorithm}`);
    this.name = 'UnsupportedEncryption';
    this.algorithm = algorithm;
  }
}

/** Decryption did not produce a plaintext: wrong password or damaged data, indistinguishably. */
export class DecryptionFailed extends Error {
  constructor() {
    super('decryption failed');
    this.name = 'DecryptionFailed';
  }
}

/** Upper bound on PBKDF2 iterations read from a file, so a crafted file cannot stall the reader. */
export const MAX_ITERATIONS = 10_000_000;

const PRF_HASHES: Readonly<Record<string, string>> = {
  [OID.hmacWithSHA1]: 'SHA-1',
  [OID.hmacWithSHA224]: 'SHA-224',
  [OID.hmacWithSHA256]: 'SHA-256',
  [OID.hmacWithSHA384]: 'SHA-384',
  [OID.hmacWithSHA512]: 'SHA-512',
};

const AES_KEY_BYTES: Readonly<Record<string, number>> = {
  [OID.aes128Cbc]: 16,
  [OID.aes192Cbc]: 24,
  [OID.aes256Cbc]: 32,
};

interface Pbes2Parameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly prfHash: string;
  readonly keyBytes: number;
  readonly iv: Uint8Array;
}

/** A readable name for an encryption AlgorithmIdentifier OID (for unsupported-scheme messages). */
export function encryptionName(algorithm: string): string {
  return LEGACY_PBE_NAMES[algorithm] ?? UNSUPPORTED_PBES2_CIPHERS[algorithm] ?? algorithm;
}

/** Decrypts `ciphertext` under the scheme in `algorithm` (an AlgorithmIdentifier node). */
export async function pbeDecrypt(algorithm: BerNode, ciphertext: Uint8Array, password: Uint8Array): Promise<Uint8Array> {
  const parameters = readPbes2(algorithm);
  const key = await deriveAesKey(password, parameters, 'decrypt');
  try {
    const plaintext = await globalThis.crypto.subtle.decrypt({ name: 'AES-CBC', iv: arrayBufferBacked(parameters.iv) }, key, arrayBufferBacked(ciphertext));
    return new Uint8Array(plaintext);
  } catch {
    throw new DecryptionFailed();
  }
}

function readPbes2(algorithm: BerNode): Pbes2Parameters {
  const parts = expectSequence(algorithm, 'encryptionAlgorithm');
  const scheme = expectOid(at(parts, 0, 'algorithm'), 'algorithm');
  if (scheme !== OID.pbes2) throw new UnsupportedEncryption(encryptionName(scheme));
  const pbes2 = expectSequence(at(parts, 1, 'PBES2-params'), 'PBES2-params');
  const kdf = expectSequence(at(pbes2, 0, 'keyDerivationFunc'), 'keyDerivationFunc');
  const kdfOid = expectOid(at(kdf, 0, 'keyDerivationFunc'), 'keyDerivationFunc');
  if (kdfOid !== OID.pbkdf2) throw new UnsupportedEncryption(kdfOid === OID.scrypt ? 'scrypt' : kdfOid);
  const cipher = expectSequence(at(pbes2, 1, 'encryptionScheme'), 'encryptionScheme');
  const cipherOid = expectOid(at(cipher, 0, 'encryptionScheme'), 'encryptionScheme');
  const keyBytes = AES_KEY_BYTES[cipherOid];
  if (keyBytes === undefined) throw new UnsupportedEncryption(encryptionName(cipherOid));
  const iv = expectOctetString(at(cipher, 1, 'iv'), 'iv');
  if (iv.length !== 16) shapeError('AES-CBC: IV is not 16 octets');
  return { ...readPbkdf2(at(kdf, 1, 'PBKDF2-params'), keyBytes), keyBytes, iv };
}

function readPbkdf2(node: BerNode, keyBytes: number): { salt: Uint8Array; iterations: number; prfHash: string } {
  const fields = expectSequence(node, 'PBKDF2-params');
  const saltNode = at(fields, 0, 'salt');
  if (!isUniversal(saltNode, TAG.OCTET_STRING)) throw new UnsupportedEncryption('PBKDF2 with a non-octet salt source');
  const salt = expectOctetString(saltNode, 'salt');
  const iterations = expectSmallInteger(at(fields, 1, 'iterationCount'), 'iterationCount', Number.MAX_SAFE_INTEGER);
  if (iterations < 1) shapeError('PBKDF2: iteration count below 1');
  if (iterations > MAX_ITERATIONS) throw new UnsupportedEncryption(`PBKDF2 with ${iterations} iterations (limit ${MAX_ITERATIONS})`);
  let prfHash = 'SHA-1';
  for (const field of fields.slice(2)) {
    if (isUniversal(field, TAG.INTEGER)) {
      if (expectSmallInteger(field, 'keyLength', 1024) !== keyBytes) shapeError('PBKDF2: keyLength does not fit the cipher');
    } else {
      const prfOid = expectOid(at(expectSequence(field, 'prf'), 0, 'prf'), 'prf');
      const hash = PRF_HASHES[prfOid];
      if (hash === undefined) throw new UnsupportedEncryption(`PBKDF2 with PRF ${prfOid}`);
      prfHash = hash;
    }
  }
  return { salt, iterations, prfHash };
}

async function deriveAesKey(password: Uint8Array, parameters: Pbes2Parameters, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const bits = await pbkdf2(password, parameters.salt, parameters.iterations, parameters.prfHash, parameters.keyBytes);
  return globalThis.crypto.subtle.importKey('raw', arrayBufferBacked(bits), { name: 'AES-CBC' }, false, [usage]);
}

/** PBKDF2 through WebCrypto; SHA-224, which WebCrypto lacks, through @noble/hashes. */
async function pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, hash: string, length: number): Promise<Uint8Array> {
  if (hash === 'SHA-224') return pbkdf2Async(sha224, password, salt, { c: iterations, dkLen: length });
  const base = await globalThis.crypto.subtle.importKey('raw', arrayBufferBacked(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', hash, salt: arrayBufferBacked(salt), iterations }, base, length * 8);
  return new Uint8Array(bits);
}

export interface Pbes2Options {
  readonly iterations: number;
}

/** PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC with a fresh salt and IV; returns the AlgorithmIdentifier and ciphertext. */
export async function pbes2Encrypt(plaintext: Uint8Array, password: Uint8Array, options: Pbes2Options): Promise<{ algorithm: Uint8Array; ciphertext: Uint8Array }> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const parameters: Pbes2Parameters = { salt, iterations: options.iterations, prfHash: 'SHA-256', keyBytes: 32, iv };
  const key = await deriveAesKey(password, parameters, 'encrypt');
  const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-CBC', iv: arrayBufferBacked(iv) }, key, arrayBufferBacked(plaintext)));
  const algorithm = algorithmIdentifier(
    OID.pbes2,
    sequence(
      algorithmIdentifier(OID.pbkdf2, sequence(octetString(salt), integer(options.iterations), algorithmIdentifier(OID.hmacWithSHA256, nullValue()))),
      algorithmIdentifier(OID.aes256Cbc, octetString(iv)),
    ),
  );
  return { algorithm, ciphertext };
}

/** EncryptedPrivateKeyInfo: the encryption AlgorithmIdentifier node and the ciphertext. */
export function readEncryptedPrivateKeyInfo(der: Uint8Array): { algorithm: BerNode; ciphertext: Uint8Array } {
  const items = expectSequence(decodeAsn1(der, 'EncryptedPrivateKeyInfo'), 'EncryptedPrivateKeyInfo');
  if (items.length !== 2) shapeError('EncryptedPrivateKeyInfo: expected two fields');
  return { algorithm: at(items, 0, 'encryptionAlgorithm'), ciphertext: expectOctetString(at(items, 1, 'encryptedData'), 'encryptedData') };
}

export async function encryptPrivateKeyInfo(pkcs8: Uint8Array, password: Uint8Array, options: Pbes2Options): Promise<Uint8Array> {
  const { algorithm, ciphertext } = await pbes2Encrypt(pkcs8, password, options);
  return sequence(algorithm, octetString(ciphertext));
}
