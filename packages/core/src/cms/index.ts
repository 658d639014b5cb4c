export * from './inspect.js';
export { CIPHER_BY_OID, CONTENT_CIPHER_OIDS, DIGEST_BY_OID, KEY_TRANSPORT_BY_OID, OID, SIGNATURE_DIGEST_BY_OID, SIGNATURE_NAME_BY_OID, cipherOid } from '../asn1/oids.js';
export { isAuthenticatedCipher } from '../backend-kit/algorithms.js';
