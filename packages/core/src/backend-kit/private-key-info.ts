import { algorithmOf, childrenOf, decodeElement, isUniversal, octetsOf, smallIntegerOf, type AlgorithmNode } from '../asn1/accessors.js';
import { SealpostError } from '../errors.js';

/** What a backend reads first of a PKCS#8 key: which algorithm, and the key octets it then reads its own way. */
export interface PrivateKeyInfoParts {
  readonly algorithm: AlgorithmNode;
  /** The privateKey OCTET STRING's contents (RSAPrivateKey, ECPrivateKey, ...). */
  readonly privateKey: Uint8Array<ArrayBuffer>;
}

/**
 * PrivateKeyInfo (RFC 5208), or OneAsymmetricKey v2 (RFC 5958) whose public key is not needed:
 * ERR_KEY_MALFORMED for anything else, so every backend refuses the same keys.
 */
export function privateKeyInfoOf(pkcs8: Uint8Array): PrivateKeyInfoParts {
  const parts = childrenOf(decodeElement(pkcs8) ?? undefined);
  const version = smallIntegerOf(parts?.[0]);
  const algorithm = algorithmOf(parts?.[1]);
  const privateKey = isUniversal(parts?.[2], 4) ? octetsOf(parts?.[2]) : null;
  if (parts === null || (version !== 0 && version !== 1) || algorithm === null || privateKey === null) throw malformedKey();
  return { algorithm, privateKey };
}

export function malformedKey(): SealpostError {
  return new SealpostError('ERR_KEY_MALFORMED', 'the private key is not a readable PKCS#8 key');
}
