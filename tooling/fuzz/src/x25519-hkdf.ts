import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto';
import { type Identity, der } from '@sealpost/core';
import { eccCmsSharedInfo } from '@sealpost/core/backend-kit';
import { type TreeNode, encodeTree, isUniversal, primitive, toTree } from './ber-tree.js';

/**
 * No Sealpost backend writes RFC 8418's HKDF schemes (they write the X9.63 KDF with SHA-256, the one
 * every peer reads), so the fuzzer makes them as the conformance suite does: an X25519
 * KeyAgreeRecipientInfo re-keyed with node:crypto alone. The recipient's key gives the shared secret,
 * the X9.63 KDF recovers the content key, HKDF (RFC 8418 2.2, no salt, ECC-CMS-SharedInfo as info)
 * wraps it again, and the scheme becomes dhSinglePass-stdDH-hkdf-sha256-scheme.
 */

const HKDF_SHA256_SCHEME = '1.2.840.113549.1.9.16.3.19';
const X963_SHA256_SCHEME = '1.3.132.1.11.1';
const AES_WRAPS = [
  { oid: '2.16.840.1.101.3.4.1.5', cipher: 'id-aes128-wrap', length: 16 },
  { oid: '2.16.840.1.101.3.4.1.25', cipher: 'id-aes192-wrap', length: 24 },
  { oid: '2.16.840.1.101.3.4.1.45', cipher: 'id-aes256-wrap', length: 32 },
] as const;
const WRAP_IV = Buffer.alloc(8, 0xa6);

const isOid = (node: TreeNode | undefined, dotted: string): boolean => node !== undefined && isUniversal(node, 6) && Buffer.from(node.contents).equals(Buffer.from(der.oid(dotted).subarray(2)));

/** The X25519 kari under HKDF-SHA-256, everything else as it was; `cms` is ContentInfo((Auth)EnvelopedData). */
export function rewrapX25519WithHkdf(cms: Uint8Array, recipient: Identity): Uint8Array {
  if (recipient.privateKey.type !== 'pkcs8') throw new TypeError('rewrapX25519WithHkdf: a PKCS#8 key is needed');
  const root = toTree(cms);
  const recipientInfos = root.children[1]?.children[0]?.children.find((c) => isUniversal(c, 17) && c.children.some((ri) => ri.cls === 2 && ri.tagNumber === 1));
  const kari = recipientInfos?.children.find((ri) => ri.cls === 2 && ri.tagNumber === 1);
  if (kari === undefined) throw new TypeError('rewrapX25519WithHkdf: no KeyAgreeRecipientInfo');
  // { version, [0] originator { [1] { algorithm, BIT STRING } }, keyEncryptionAlgorithm, recipientEncryptedKeys } (no ukm: Sealpost writes none).
  const [, originator, algorithm, keys] = kari.children;
  const point = originator?.children[0]?.children[1]?.contents.subarray(1);
  const wrapAlgorithm = algorithm?.children[1];
  const wrap = AES_WRAPS.find((w) => isOid(wrapAlgorithm?.children[0], w.oid));
  const wrapped = keys?.children[0]?.children[1];
  if (point === undefined || algorithm === undefined || wrapAlgorithm === undefined || wrap === undefined || wrapped === undefined || !isOid(algorithm.children[0], X963_SHA256_SCHEME))
    throw new TypeError('rewrapX25519WithHkdf: not an X25519 kari with the X9.63 SHA-256 KDF and an AES key wrap');
  const z = diffieHellman({
    privateKey: createPrivateKey({ key: Buffer.from(recipient.privateKey.der), format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point).toString('base64url') }, format: 'jwk' }),
  });
  const sharedInfo = eccCmsSharedInfo(encodeTree(wrapAlgorithm), null, wrap.length);
  const x963 = createHash('sha256')
    .update(z)
    .update(Buffer.of(0, 0, 0, 1))
    .update(sharedInfo)
    .digest()
    .subarray(0, wrap.length);
  const unwrap = createDecipheriv(wrap.cipher, x963, WRAP_IV);
  const contentKey = Buffer.concat([unwrap.update(wrapped.contents), unwrap.final()]);
  const rewrap = createCipheriv(wrap.cipher, Buffer.from(hkdfSync('sha256', z, Buffer.alloc(0), sharedInfo, wrap.length)), WRAP_IV);
  wrapped.contents = new Uint8Array(Buffer.concat([rewrap.update(contentKey), rewrap.final()]));
  algorithm.children[0] = primitive(0x06, der.oid(HKDF_SHA256_SCHEME).subarray(2));
  return encodeTree(root);
}
