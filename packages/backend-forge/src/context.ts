import forge from 'node-forge';
import { fromBinaryString } from './bytes.js';
import type { ForgeBackendOptions } from './options.js';

/** What every operation needs from its environment, passed explicitly: no global state is set. */
export interface Context {
  random(length: number): Uint8Array;
}

export function createContext(options: ForgeBackendOptions): Context {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const source = options.random;
  if (source !== undefined && typeof source !== 'function') throw new TypeError('options.random must be a function');
  return {
    random(length: number): Uint8Array {
      if (length === 0) return new Uint8Array(0);
      const bytes = source === undefined ? fromBinaryString(forge.random.getBytesSync(length)) : source(length);
      // A short or absent answer would silently weaken keys and nonces: refuse it.
      if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new TypeError(`the random source returned something other than ${length} octets`);
      return bytes;
    },
  };
}
