/**
 * The revocation checker's cache of fetched answers: a CRL by its URL, an OCSP response by responder
 * URL, issuer key hash and serial. An answer is kept only once it was found usable, and only until
 * its nextUpdate (wall-clock time); the cache is bounded in entries and bytes, oldest use out first.
 * It holds the bytes, not verdicts: every use checks the answer again at that verification's time.
 */

export interface RevocationCache {
  /** The answer stored under `key`, if it is still current at `now` (ms since the epoch). */
  get(key: string, now: number): Uint8Array | undefined;
  /** Keeps `bytes` under `key` until `expires` (ms since the epoch). */
  set(key: string, bytes: Uint8Array, expires: number): void;
}

export interface RevocationCacheOptions {
  /** Most answers kept. Default 256. */
  readonly maxEntries?: number;
  /** Most bytes kept in all. Default 32 MiB; a larger answer is not kept. */
  readonly maxBytes?: number;
}

interface Entry {
  readonly bytes: Uint8Array;
  readonly expires: number;
}

/** An in-memory cache; createSealpost makes one per instance unless given another (or `cache: false`). */
export function createRevocationCache(options: RevocationCacheOptions = {}): RevocationCache {
  const maxEntries = options.maxEntries ?? 256;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError('createRevocationCache: maxEntries must be a non-negative integer');
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError('createRevocationCache: maxBytes must be a non-negative integer');
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();
  let bytesHeld = 0;
  const remove = (key: string): void => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    bytesHeld -= entry.bytes.length;
  };
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      remove(key);
      if (entry.expires <= now) return undefined;
      entries.set(key, entry);
      bytesHeld += entry.bytes.length;
      return entry.bytes;
    },
    set(key, bytes, expires) {
      remove(key);
      if (bytes.length > maxBytes || maxEntries === 0) return;
      while (entries.size >= maxEntries || bytesHeld + bytes.length > maxBytes) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        remove(oldest.value);
      }
      entries.set(key, { bytes: bytes.slice(), expires });
      bytesHeld += bytes.length;
    },
  };
}
