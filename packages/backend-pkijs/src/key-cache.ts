import * as kit from '@sealpost/core/backend-kit';
import { privateKeyFacts, publicKeyFacts, type PrivateKeyFacts, type PublicKeyFacts } from './keys.js';

/**
 * Keys read and imported once, not on every call: importing a key into WebCrypto costs more than the
 * signature it is imported for. Private keys are remembered per key array the caller holds (a WeakMap,
 * so they go when the caller drops them; a checksum notices an array changed in place) and only as
 * non-extractable CryptoKeys; no copy of a private key's bytes is kept. Public keys are remembered by
 * their SubjectPublicKeyInfo bytes, in a bounded memo.
 */
export interface KeyCache {
  privateFacts(pkcs8: Uint8Array): PrivateKeyFacts;
  publicFacts(spki: Uint8Array): PublicKeyFacts | null;
  /** The CryptoKey for a private key and an import algorithm, imported at most once. */
  privateKey(facts: PrivateKeyFacts, algorithm: string, load: () => Promise<CryptoKey>): Promise<CryptoKey>;
  /** The CryptoKey for a public key and an import algorithm, imported at most once. */
  publicKey(spki: Uint8Array, algorithm: string, load: () => Promise<CryptoKey>): Promise<CryptoKey>;
}

function checksum(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}

/** A promise remembered until it rejects: a failed import is tried again next time. */
function remembered<K>(map: Map<K, Promise<CryptoKey>>, key: K, load: () => Promise<CryptoKey>): Promise<CryptoKey> {
  const known = map.get(key);
  if (known !== undefined) return known;
  const loading = load();
  map.set(key, loading);
  loading.catch(() => map.delete(key));
  return loading;
}

export function createKeyCache(): KeyCache {
  const privateFacts = new WeakMap<Uint8Array, { readonly sum: number; readonly length: number; readonly facts: PrivateKeyFacts }>();
  const privateKeys = new WeakMap<PrivateKeyFacts, Map<string, Promise<CryptoKey>>>();
  const publicFacts = kit.createBytesMemo<PublicKeyFacts | null>(1024);
  const publicKeys = kit.createBytesMemo<Map<string, Promise<CryptoKey>>>(1024);
  return {
    privateFacts(pkcs8) {
      const sum = checksum(pkcs8);
      const known = privateFacts.get(pkcs8);
      if (known !== undefined && known.sum === sum && known.length === pkcs8.length) return known.facts;
      const facts = privateKeyFacts(pkcs8);
      privateFacts.set(pkcs8, { sum, length: pkcs8.length, facts });
      return facts;
    },
    publicFacts: (spki) => publicFacts.get(spki, (copy) => publicKeyFacts(copy)),
    privateKey(facts, algorithm, load) {
      let byAlgorithm = privateKeys.get(facts);
      if (byAlgorithm === undefined) privateKeys.set(facts, (byAlgorithm = new Map()));
      return remembered(byAlgorithm, algorithm, load);
    },
    publicKey: (spki, algorithm, load) =>
      remembered(
        publicKeys.get(spki, () => new Map()),
        algorithm,
        load,
      ),
  };
}
