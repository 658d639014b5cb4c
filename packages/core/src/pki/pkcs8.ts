/**
 * Private key structures: PKCS#8 PrivateKeyInfo (RFC 5208/5958), PKCS#1 RSAPrivateKey (RFC 8017)
 * and SEC1 ECPrivateKey (RFC 5915), and turning the latter two into PKCS#8.
 */
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { isContext, isUniversal } from '../asn1/accessors.js';
import { at, decodeAsn1, expectBitStringBytes, expectExplicit, expectInteger, expectOctetString, expectOctets, expectOid, expectSequence, expectUnsignedInteger, shapeError } from '../asn1/shape.js';
import { algorithmIdentifier, integer, nullValue, octetString, oid, sequence } from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';

export interface Pkcs8Key {
  readonly der: Uint8Array;
  readonly algorithm: string;
  /** namedCurve of an EC key (from the algorithm parameters, else from the inner ECPrivateKey). */
  readonly curveOid: string | null;
  /** Contents of the privateKey OCTET STRING. */
  readonly privateKey: Uint8Array;
  /** The public key when the encoding carries it (PKCS#8 v2 [1], or ECPrivateKey [1]). */
  readonly publicKey: Uint8Array | null;
}

/** How a DER private key is packaged, judged from its shape. */
export type KeyPackaging = 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'sec1';

export function keyPackaging(node: BerNode): KeyPackaging {
  const items = expectSequence(node, 'private key');
  const first = at(items, 0, 'private key');
  const second = at(items, 1, 'private key');
  if (isUniversal(first, TAG.SEQUENCE) && isUniversal(second, TAG.OCTET_STRING)) return 'encrypted-pkcs8';
  if (!isUniversal(first, TAG.INTEGER)) return shapeError('private key: unrecognised structure');
  if (isUniversal(second, TAG.SEQUENCE)) return 'pkcs8';
  if (isUniversal(second, TAG.INTEGER)) return 'pkcs1';
  if (isUniversal(second, TAG.OCTET_STRING)) return 'sec1';
  return shapeError('private key: unrecognised structure');
}

export function readPkcs8(der: Uint8Array): Pkcs8Key {
  const items = expectSequence(decodeAsn1(der, 'PrivateKeyInfo'), 'PrivateKeyInfo');
  const version = expectInteger(at(items, 0, 'version'), 'version');
  if (version !== 0n && version !== 1n) shapeError('PrivateKeyInfo: unknown version');
  const algorithmParts = expectSequence(at(items, 1, 'privateKeyAlgorithm'), 'privateKeyAlgorithm');
  const algorithm = expectOid(at(algorithmParts, 0, 'algorithm'), 'algorithm');
  const privateKey = expectOctetString(at(items, 2, 'privateKey'), 'privateKey');
  const v2PublicKey = items.slice(3).find((item) => isContext(item, 1));
  let publicKey = v2PublicKey === undefined ? null : bitStringContent(v2PublicKey);
  let curveOid: string | null = null;
  if (algorithm === OID.ecPublicKey) {
    const parameters = algorithmParts[1];
    const inner = readSec1(privateKey);
    curveOid = parameters !== undefined && isUniversal(parameters, TAG.OID) ? expectOid(parameters, 'namedCurve') : inner.curveOid;
    publicKey ??= inner.publicKey;
  } else if (algorithm === OID.rsaEncryption || algorithm === OID.rsassaPss) {
    readRsaPrivateKey(privateKey);
  }
  return { der, algorithm, curveOid, privateKey, publicKey };
}

/** [1] IMPLICIT BIT STRING: the content octets after the unused-bits octet. */
function bitStringContent(node: BerNode): Uint8Array {
  const content = expectOctets(node, 'publicKey');
  if (content.length === 0 || content[0] !== 0) shapeError('publicKey: bad BIT STRING');
  return content.subarray(1);
}

export function readRsaPrivateKey(der: Uint8Array): { modulus: Uint8Array; exponent: bigint } {
  const items = expectSequence(decodeAsn1(der, 'RSAPrivateKey'), 'RSAPrivateKey');
  if (items.length < 9) shapeError('RSAPrivateKey: missing fields');
  if (expectInteger(at(items, 0, 'version'), 'version') > 1n) shapeError('RSAPrivateKey: unknown version');
  for (const [index, item] of items.slice(0, 9).entries()) {
    if (!isUniversal(item, TAG.INTEGER)) shapeError(`RSAPrivateKey: field ${index} is not an INTEGER`);
  }
  return { modulus: expectUnsignedInteger(at(items, 1, 'modulus'), 'modulus'), exponent: expectInteger(at(items, 2, 'publicExponent'), 'publicExponent') };
}

export function readSec1(der: Uint8Array): { curveOid: string | null; publicKey: Uint8Array | null } {
  const items = expectSequence(decodeAsn1(der, 'ECPrivateKey'), 'ECPrivateKey');
  if (expectInteger(at(items, 0, 'version'), 'version') !== 1n) shapeError('ECPrivateKey: unknown version');
  expectOctetString(at(items, 1, 'privateKey'), 'privateKey');
  let curveOid: string | null = null;
  let publicKey: Uint8Array | null = null;
  for (const item of items.slice(2)) {
    if (isContext(item, 0)) {
      const parameters = expectExplicit(item, 0, 'parameters');
      if (isUniversal(parameters, TAG.OID)) curveOid = expectOid(parameters, 'namedCurve');
    } else if (isContext(item, 1)) {
      publicKey = expectBitStringBytes(expectExplicit(item, 1, 'publicKey'), 'publicKey');
    }
  }
  return { curveOid, publicKey };
}

export function pkcs8FromPkcs1(pkcs1: Uint8Array): Uint8Array {
  readRsaPrivateKey(pkcs1);
  return sequence(integer(0), algorithmIdentifier(OID.rsaEncryption, nullValue()), octetString(pkcs1));
}

/** RFC 5915 section 2: the curve moves to the PKCS#8 algorithm parameters. */
export function pkcs8FromSec1(sec1: Uint8Array): Uint8Array {
  const { curveOid } = readSec1(sec1);
  if (curveOid === null) shapeError('ECPrivateKey: no named curve');
  return sequence(integer(0), algorithmIdentifier(OID.ecPublicKey, oid(curveOid)), octetString(sec1));
}
