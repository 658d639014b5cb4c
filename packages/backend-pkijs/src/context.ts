import type { Bytes } from './bytes.js';
import { type KeyCache, createKeyCache } from './key-cache.js';
import type { PkijsBackendOptions } from './options.js';

/** Everything an operation needs from its environment, passed explicitly (no global engine). */
export interface Context {
  readonly subtle: SubtleCrypto;
  random(length: number): Bytes;
  readonly rsaDecryptRaw: PkijsBackendOptions['rsaDecryptRaw'] | undefined;
  readonly rsaEncryptRaw: PkijsBackendOptions['rsaEncryptRaw'] | undefined;
  readonly digest: PkijsBackendOptions['digest'] | undefined;
  /** Keys read and imported once per backend (key-cache.ts). */
  readonly keys: KeyCache;
}

// getRandomValues fills at most 65536 bytes per call.
const RANDOM_CHUNK = 65_536;

export function createContext(options: PkijsBackendOptions): Context {
  const crypto = options.crypto ?? globalThis.crypto;
  if (crypto === undefined || typeof crypto.getRandomValues !== 'function' || crypto.subtle === undefined)
    throw new TypeError('createPkijsBackend needs WebCrypto: pass options.crypto or run where globalThis.crypto exists');
  if (options.rsaDecryptRaw !== undefined && typeof options.rsaDecryptRaw !== 'function') throw new TypeError('options.rsaDecryptRaw must be a function');
  if (options.rsaEncryptRaw !== undefined && typeof options.rsaEncryptRaw !== 'function') throw new TypeError('options.rsaEncryptRaw must be a function');
  if (options.digest !== undefined && typeof options.digest !== 'function') throw new TypeError('options.digest must be a function');
  return {
    subtle: crypto.subtle,
    random(length: number): Bytes {
      const out = new Uint8Array(length);
      for (let offset = 0; offset < length; offset += RANDOM_CHUNK) crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + RANDOM_CHUNK)));
      return out;
    },
    rsaDecryptRaw: options.rsaDecryptRaw,
    rsaEncryptRaw: options.rsaEncryptRaw,
    digest: options.digest,
    keys: createKeyCache(),
  };
}
