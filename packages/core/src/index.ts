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
export type * from './keystore/types.js';
export type * from './transport/types.js';
export { CIPHER_PREFERENCE, chooseCipher } from './keystore/cipher-choice.js';
