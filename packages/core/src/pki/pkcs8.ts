/**
 * Private key structures: PKCS#8 PrivateKeyInfo (RFC 5208/5958), PKCS#1 RSAPrivateKey (RFC 8017)
 * and SEC1 ECPrivateKey (RFC 5915), and turning the latter two into PKCS#8.
 */
import { TAG } from '../asn1/ber-reader.js';
import {
  type Asn1,
  at,
  bitStringBytesOf,
  contentOctets,
  decodeAsn1,
  explicitInner,
  hasTag,
  integerOf,
  isContextTag,
  octetsOf,
  oidOf,
  sequenceOf,
  shapeError,
  unsignedIntegerOf,
} from './asn1.js';
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

export function keyPackaging(node: Asn1): KeyPackaging {
  const items = sequenceOf(node, 'private key');
  const first = at(items, 0, 'private key');
  const second = at(items, 1, 'private key');
  if (hasTag(first, TAG.SEQUENCE) && hasTag(second, TAG.OCTET_STRING)) return 'encrypted-pkcs8';
  if (!hasTag(first, TAG.INTEGER)) return shapeError('private key: unrecognised structure');
  if (hasTag(second, TAG.SEQUENCE)) return 'pkcs8';
  if (hasTag(second, TAG.INTEGER)) return 'pkcs1';
  if (hasTag(second, TAG.OCTET_STRING)) return 'sec1';
  return shapeError('private key: unrecognised structure');
}

export function readPkcs8(der: Uint8Array): Pkcs8Key {
  const items = sequenceOf(decodeAsn1(der, 'PrivateKeyInfo'), 'PrivateKeyInfo');
  const version = integerOf(at(items, 0, 'version'), 'version');
  if (version !== 0n && version !== 1n) shapeError('PrivateKeyInfo: unknown version');
  const algorithmParts = sequenceOf(at(items, 1, 'privateKeyAlgorithm'), 'privateKeyAlgorithm');
  const algorithm = oidOf(at(algorithmParts, 0, 'algorithm'), 'algorithm');
  const privateKey = octetsOf(at(items, 2, 'privateKey'), 'privateKey');
  const v2PublicKey = items.slice(3).find((item) => isContextTag(item, 1));
  let publicKey = v2PublicKey === undefined ? null : bitStringContent(v2PublicKey);
  let curveOid: string | null = null;
  if (algorithm === OID.ecPublicKey) {
    const parameters = algorithmParts[1];
    const inner = readSec1(privateKey);
    curveOid = parameters !== undefined && hasTag(parameters, TAG.OID) ? oidOf(parameters, 'namedCurve') : inner.curveOid;
    publicKey ??= inner.publicKey;
  } else if (algorithm === OID.rsaEncryption || algorithm === OID.rsassaPss) {
    readRsaPrivateKey(privateKey);
  }
  return { der, algorithm, curveOid, privateKey, publicKey };
}

/** [1] IMPLICIT BIT STRING: the content octets after the unused-bits octet. */
function bitStringContent(node: Asn1): Uint8Array {
  const content = contentOctets(node, 'publicKey');
  if (content.length === 0 || content[0] !== 0) shapeError('publicKey: bad BIT STRING');
  return content.subarray(1);
}

export function readRsaPrivateKey(der: Uint8Array): { modulus: Uint8Array; exponent: bigint } {
  const items = sequenceOf(decodeAsn1(der, 'RSAPrivateKey'), 'RSAPrivateKey');
  if (items.length < 9) shapeError('RSAPrivateKey: missing fields');
  if (integerOf(at(items, 0, 'version'), 'version') > 1n) shapeError('RSAPrivateKey: unknown version');
  for (const [index, item] of items.slice(0, 9).entries()) {
    if (!hasTag(item, TAG.INTEGER)) shapeError(`RSAPrivateKey: field ${index} is not an INTEGER`);
  }
  return { modulus: unsignedIntegerOf(at(items, 1, 'modulus'), 'modulus'), exponent: integerOf(at(items, 2, 'publicExponent'), 'publicExponent') };
}

export function readSec1(der: Uint8Array): { curveOid: string | null; publicKey: Uint8Array | null } {
  const items = sequenceOf(decodeAsn1(der, 'ECPrivateKey'), 'ECPrivateKey');
  if (integerOf(at(items, 0, 'version'), 'version') !== 1n) shapeError('ECPrivateKey: unknown version');
  octetsOf(at(items, 1, 'privateKey'), 'privateKey');
  let curveOid: string | null = null;
  let publicKey: Uint8Array | null = null;
  for (const item of items.slice(2)) {
    if (isContextTag(item, 0)) {
      const parameters = explicitInner(item, 0, 'parameters');
      if (hasTag(parameters, TAG.OID)) curveOid = oidOf(parameters, 'namedCurve');
    } else if (isContextTag(item, 1)) {
      publicKey = bitStringBytesOf(explicitInner(item, 1, 'publicKey'), 'publicKey');
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

