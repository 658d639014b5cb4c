/** Reading private keys (PEM or DER, plain or encrypted) into PKCS#8, and matching them to certificates. */
import type { PrivateKeyRef } from '../backend.js';
import { SealpostError } from '../errors.js';
import { decodeAsn1, readAs, readAsAsync } from '../asn1/shape.js';
import { bitLength, curveBits, curveName, postQuantumKeyInfo, readSpki } from './spki.js';
import { arrayBufferBacked, base64DecodeOrNull, bytesEqual, latin1Decode, utf8Encode } from '../bytes.js';
import { parseCertificate } from './certificate.js';
import { OID } from '../asn1/oids.js';
import { DecryptionFailed, pbeDecrypt, readEncryptedPrivateKeyInfo, UnsupportedEncryption } from './pbes2.js';
import { isPem, pemBlocks } from './pem.js';
import { keyPackaging, pkcs8FromPkcs1, pkcs8FromSec1, readPkcs8, readRsaPrivateKey, type Pkcs8Key } from './pkcs8.js';
import type { PublicKeyInfo } from './types.js';
import { mlKemPrivateKeyOf } from '../backend-kit/post-quantum.js';

export type Pkcs8PrivateKey = Extract<PrivateKeyRef, { type: 'pkcs8' }>;

const WRONG_PASSPHRASE = 'wrong passphrase or corrupted private key';
const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/**
 * Reads a private key: PEM "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE KEY"
 * (SEC1), "ENCRYPTED PRIVATE KEY" (PBES2), or the same structures in DER. Always returns PKCS#8.
 */
export async function readPrivateKey(bytes: Uint8Array, passphrase?: string): Promise<Pkcs8PrivateKey> {
  const der = isPem(bytes) ? keyFromPem(latin1Decode(bytes)) : bytes;
  const packaging = readAs('ERR_KEY_MALFORMED', 'private key is malformed', () => keyPackaging(decodeAsn1(der, 'private key')));
  const pkcs8 = packaging === 'encrypted-pkcs8' ? await decryptKey(der, passphrase) : plainPkcs8(der, packaging);
  return { type: 'pkcs8', der: pkcs8 };
}

function keyFromPem(text: string): Uint8Array {
  const block = pemBlocks(text, 'ERR_KEY_MALFORMED').find((candidate) => KEY_LABELS.has(candidate.label));
  if (block === undefined) throw new SealpostError('ERR_KEY_MALFORMED', 'no private key found in PEM');
  if ((block.headers['Proc-Type'] ?? '').includes('ENCRYPTED')) {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'legacy OpenSSL-encrypted PEM key (DEK-Info) is not supported; convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key');
  }
  return block.der;
}

function plainPkcs8(der: Uint8Array, packaging: 'pkcs8' | 'pkcs1' | 'sec1'): Uint8Array {
  return readAs('ERR_KEY_MALFORMED', 'private key is malformed', () => {
    const pkcs8 = packaging === 'pkcs1' ? pkcs8FromPkcs1(der) : packaging === 'sec1' ? pkcs8FromSec1(der) : der;
    readPkcs8(pkcs8);
    return pkcs8;
  });
}

async function decryptKey(der: Uint8Array, passphrase: string | undefined): Promise<Uint8Array> {
  if (passphrase === undefined) throw new SealpostError('ERR_INVALID_ARGUMENT', 'the private key is encrypted and no passphrase was given');
  const { algorithm, ciphertext } = readAs('ERR_KEY_MALFORMED', 'encrypted private key is malformed', () => readEncryptedPrivateKeyInfo(der));
  let plaintext: Uint8Array;
  try {
    plaintext = await pbeDecrypt(algorithm, ciphertext, utf8Encode(passphrase));
  } catch (error) {
    if (error instanceof UnsupportedEncryption) {
      throw new SealpostError(
        'ERR_UNSUPPORTED_KEY',
        `private key encryption ${error.algorithm} is not supported; ` + 're-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key',
      );
    }
    throw new SealpostError('ERR_KEY_MALFORMED', error instanceof DecryptionFailed ? WRONG_PASSPHRASE : 'encrypted private key is malformed');
  }
  // A wrong passphrase passes the padding check about once in 256 tries; the structure check catches it.
  try {
    readPkcs8(plaintext);
  } catch {
    throw new SealpostError('ERR_KEY_MALFORMED', WRONG_PASSPHRASE);
  }
  return plaintext;
}

function pkcs8Bytes(key: Uint8Array | PrivateKeyRef): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (key.type !== 'pkcs8') throw new TypeError('expected a PKCS#8 private key, not a key URI');
  return key.der;
}

function readKey(key: Uint8Array | PrivateKeyRef): Pkcs8Key {
  const der = pkcs8Bytes(key);
  return readAs('ERR_KEY_MALFORMED', 'private key is malformed', () => readPkcs8(der));
}

/** Key type, size and curve of a PKCS#8 private key. */
export function privateKeyInfo(pkcs8: Uint8Array | PrivateKeyRef): PublicKeyInfo {
  const key = readKey(pkcs8);
  switch (key.algorithm) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const { modulus, exponent } = readAs('ERR_KEY_MALFORMED', 'private key is malformed', () => readRsaPrivateKey(key.privateKey));
      return { type: 'rsa', bits: bitLength(modulus), exponent };
    }
    case OID.ecPublicKey: {
      if (key.curveOid === null) throw new SealpostError('ERR_KEY_MALFORMED', 'EC private key does not name its curve');
      return { type: 'ec', curve: curveName(key.curveOid), bits: curveBits(key.curveOid, 0) };
    }
    case OID.ed25519:
      return { type: 'ed25519', bits: 256 };
    case OID.ed448:
      return { type: 'ed448', bits: 456 };
    case OID.x25519:
      return { type: 'x25519', bits: 256 };
    case OID.x448:
      return { type: 'x448', bits: 448 };
    default:
      return postQuantumKeyInfo(key.algorithm) ?? { type: 'unknown', oid: key.algorithm, bits: 0 };
  }
}

/** True when the private key belongs to the certificate's public key. */
export async function keyMatchesCertificate(pkcs8: Uint8Array | PrivateKeyRef, certificate: Uint8Array): Promise<boolean> {
  const key = readKey(pkcs8);
  const info = parseCertificate(certificate);
  const certKey = readAs('ERR_CERTIFICATE_MALFORMED', 'certificate is malformed', () => readSpki(decodeAsn1(info.spki, 'SubjectPublicKeyInfo')));
  const keyInfo = privateKeyInfo(key.der);
  if (keyInfo.type !== certKey.info.type) return false;
  switch (keyInfo.type) {
    case 'rsa': {
      const { modulus, exponent } = readRsaPrivateKey(key.privateKey);
      return certKey.rsa !== null && bytesEqual(modulus, certKey.rsa.modulus) && exponent === certKey.rsa.exponent;
    }
    case 'ec':
      if (certKey.info.type !== 'ec' || certKey.info.curve !== keyInfo.curve) return false;
      // A stored point may be compressed; deriving gives the uncompressed form samePoint expects.
      return samePoint(key.publicKey?.[0] === 4 ? key.publicKey : await ecPublicPoint(key, keyInfo.curve), certKey.keyBytes);
    case 'ed25519':
    case 'x25519':
      return bytesEqual(key.publicKey ?? (await okpPublicKey(key, keyInfo.type === 'ed25519' ? 'Ed25519' : 'X25519')), certKey.keyBytes);
    case 'ed448':
    case 'x448':
      // WebCrypto has no Ed448/X448 in browsers; compare only when the key carries its public half.
      if (key.publicKey === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', `cannot derive the public half of a ${keyInfo.type} private key`);
      return bytesEqual(key.publicKey, certKey.keyBytes);
    case 'ml-kem':
    case 'ml-dsa':
      return postQuantumKeyMatches(key.der, keyInfo.parameterSet, certKey);
    default:
      throw new SealpostError('ERR_UNSUPPORTED_KEY', `cannot match a ${keyInfo.type} private key to a certificate`);
  }
}

/**
 * An ML-KEM or ML-DSA key and a certificate: the same parameter set, and for an ML-KEM key stored expanded
 * the encapsulation key it holds (FIPS 203: dk = dkPKE || ek || H(ek) || z). A seed, or an expanded ML-DSA
 * key (which keeps only a hash of the public key), needs the algorithm to compare: core has none, so it
 * answers by parameter set and the backend's first use shows a wrong key (a failed signature check, a
 * failed decryption).
 */
function postQuantumKeyMatches(pkcs8: Uint8Array, parameterSet: string, certKey: ReturnType<typeof readSpki>): boolean {
  if (certKey.info.type !== 'ml-kem' && certKey.info.type !== 'ml-dsa') return false;
  if (certKey.info.parameterSet !== parameterSet) return false;
  if (certKey.info.type !== 'ml-kem') return true;
  const { expandedKey } = mlKemPrivateKeyOf(pkcs8);
  if (expandedKey === null) return true;
  const dkPkeLength = certKey.keyBytes.length - 32;
  return bytesEqual(expandedKey.subarray(dkPkeLength, dkPkeLength + certKey.keyBytes.length), certKey.keyBytes);
}

/** Compares EC points, allowing the certificate's point to be in compressed form. */
function samePoint(uncompressed: Uint8Array, certificatePoint: Uint8Array): boolean {
  if (bytesEqual(uncompressed, certificatePoint)) return true;
  const prefix = certificatePoint[0];
  if ((prefix !== 2 && prefix !== 3) || uncompressed[0] !== 4) return false;
  const coordinate = (uncompressed.length - 1) / 2;
  const x = uncompressed.subarray(1, 1 + coordinate);
  const yIsOdd = ((uncompressed[uncompressed.length - 1] ?? 0) & 1) === 1;
  return bytesEqual(x, certificatePoint.subarray(1)) && yIsOdd === (prefix === 3);
}

/** Derives the public point of an EC key whose encoding omits it, via WebCrypto's JWK export. */
async function ecPublicPoint(key: Pkcs8Key, curve: string): Promise<Uint8Array> {
  if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `EC curve ${curve} is not supported`);
  }
  const jwk = await exportJwk(key, { name: 'ECDSA', namedCurve: curve }, ['sign']);
  const x = base64UrlDecode(jwk.x);
  const y = base64UrlDecode(jwk.y);
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return point;
}

async function okpPublicKey(key: Pkcs8Key, name: 'Ed25519' | 'X25519'): Promise<Uint8Array> {
  const jwk = await exportJwk(key, { name }, name === 'Ed25519' ? ['sign'] : ['deriveBits']);
  return base64UrlDecode(jwk.x);
}

async function exportJwk(key: Pkcs8Key, algorithm: EcKeyImportParams | Algorithm, usages: KeyUsage[]): Promise<JsonWebKey> {
  return readAsAsync('ERR_KEY_MALFORMED', 'private key is malformed', async () => {
    const imported = await globalThis.crypto.subtle.importKey('pkcs8', arrayBufferBacked(key.der), algorithm, true, usages);
    return globalThis.crypto.subtle.exportKey('jwk', imported);
  });
}

function base64UrlDecode(text: string | undefined): Uint8Array {
  const bytes = text === undefined ? null : base64DecodeOrNull(text.replace(/-/g, '+').replace(/_/g, '/'));
  if (bytes === null) throw new SealpostError('ERR_KEY_MALFORMED', 'private key is malformed');
  return bytes;
}
