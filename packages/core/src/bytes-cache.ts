import { bytesEqual } from './bytes.js';

/**
 * A bounded, least-recently-used memo of a pure function of public bytes (certificates, public keys):
 * the same certificate arrives with every message from the same sender, and reading it again costs
 * more than the signature check it is read for. Keyed by a cheap checksum and length, and confirmed
 * by comparing the whole input with a private copy, so a collision can never return another input's
 * result and later changes to the caller's array cannot reach the cache. Never for secret bytes.
 */
export interface BytesMemo<T> {
  /**
   * The remembered value for these bytes, or `compute(copy)` remembered, where `copy` is the memo's
   * own copy of the bytes (so a value that refers to them never sees the caller's later changes).
   * A throw is not remembered.
   */
  get(bytes: Uint8Array, compute: (copy: Uint8Array) => T): T;
  /** The remembered value, without computing one. */
  peek(bytes: Uint8Array): T | undefined;
  /** Remembers a value computed elsewhere (an asynchronous result). */
  set(bytes: Uint8Array, value: T): void;
  /** Number of remembered inputs (at most the limit). */
  readonly size: number;
}

interface Entry<T> {
  readonly bytes: Uint8Array;
  readonly value: T;
}

/** FNV-1a over the bytes: 32 bits, no allocation, a few hundred ns for a certificate. */
export function checksum(bytes: Uint8Array): number {
  return fnv1a(bytes, 0, bytes.length, 0x811c9dc5);
}

/**
 * FNV-1a over the first 32 and the last 96 octets (all of a short input), the memo's bucket key. The end
 * of a certificate is its signature and the end of a key its key bits, so different inputs of one length
 * rarely share a sample; when they do they share a bucket, and the full comparison tells them apart.
 */
function sampledChecksum(bytes: Uint8Array): number {
  if (bytes.length <= 128) return checksum(bytes);
  return fnv1a(bytes, bytes.length - 96, bytes.length, fnv1a(bytes, 0, 32, 0x811c9dc5));
}

function fnv1a(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let hash = seed;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}

export function createBytesMemo<T>(limit: number): BytesMemo<T> {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const entries = new Map<string, Entry<T>[]>();
  let size = 0;
  const find = (bytes: Uint8Array): Entry<T> | undefined => {
    const key = `${bytes.length}:${sampledChecksum(bytes)}`;
    const bucket = entries.get(key);
    const hit = bucket?.find((entry) => bytesEqual(entry.bytes, bytes));
    if (hit !== undefined) {
      entries.delete(key);
      entries.set(key, bucket!);
    }
    return hit;
  };
  const remember = (copy: Uint8Array, value: T): void => {
    const key = `${copy.length}:${sampledChecksum(copy)}`;
    const bucket = entries.get(key);
    if (bucket === undefined) entries.set(key, [{ bytes: copy, value }]);
    else bucket.push({ bytes: copy, value });
    size++;
    while (size > limit) {
      const [oldestKey, oldest] = entries.entries().next().value as [string, Entry<T>[]];
      entries.delete(oldestKey);
      size -= oldest.length;
    }
  };
  return {
    get(bytes, compute) {
      const hit = find(bytes);
      if (hit !== undefined) return hit.value;
      // Two copies: the key stays private even if a caller changes the bytes a value hands out.
      const value = compute(bytes.slice());
      remember(bytes.slice(), value);
      return value;
    },
    peek: (bytes) => find(bytes)?.value,
    set(bytes, value) {
      if (find(bytes) === undefined) remember(bytes.slice(), value);
    },
    get size() {
      return size;
    },
  };
}
