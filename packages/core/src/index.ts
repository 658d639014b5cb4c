export * from './errors.js';
export type * from './backend.js';
export type * from './mime/types.js';
export type * from './pki/types.js';
export type * from './smime/types.js';
export * from './mime/index.js';
export * from './pki/index.js';
export * from './cms/index.js';
export * from './smime/index.js';
export { parseBer, type BerNode } from './asn1/ber-reader.js';
// For backend authors: the byte helpers and DER writer core itself uses, so a backend can write its
// output structures (and compare digests) the same way without a copy of its own.
export { arrayBufferBacked, constantTimeEqual, joinBytes, leftPad, stripLeadingZeros } from './bytes.js';
export * as der from './asn1/der-writer.js';
// For backend authors: the algorithm-independent CMS plumbing every backend needs (OIDs, algorithm
// identifiers, PKCS#1 v1.5 padding with the RFC 3218 unpadding, signed attributes, typed capability
// refusals, readers over core's BER parser). Crypto primitives stay in each backend.
export * as backendKit from './backend-kit/index.js';
export type * from './keystore/types.js';
export type * from './transport/types.js';
export { CIPHER_PREFERENCE, chooseCipher } from './keystore/cipher-choice.js';
export { certificateToCollect, validSigner } from './keystore/collect.js';
export { MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS, type StoreAddressProblem, normalizeStoreAddress } from './keystore/address.js';
