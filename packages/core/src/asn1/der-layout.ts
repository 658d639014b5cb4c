import { encodeLength } from './der-writer.js';

/**
 * DER written in one pass, for structures around large contents (an encrypted attachment, opaque
 * signed content): der-writer's functions each return a complete encoding, so nesting a 25 MiB
 * ciphertext five levels deep would copy it five times. Here the structure is described first, its
 * lengths computed, and every byte written once into one buffer.
 */
export type DerPart = Uint8Array | DerNode;

export interface DerNode {
  /** The identifier octet (a tag number below 31). */
  readonly identifier: number;
  readonly parts: readonly DerPart[];
}

export function node(identifier: number, ...parts: readonly DerPart[]): DerNode {
  return { identifier, parts };
}

function contentLength(parts: readonly DerPart[]): number {
  let length = 0;
  for (const part of parts) length += encodedLength(part);
  return length;
}

function encodedLength(part: DerPart): number {
  if (part instanceof Uint8Array) return part.length;
  const inner = contentLength(part.parts);
  return 1 + encodeLength(inner).length + inner;
}

function write(part: DerPart, out: Uint8Array, at: number): number {
  if (part instanceof Uint8Array) {
    out.set(part, at);
    return at + part.length;
  }
  out[at++] = part.identifier;
  const length = encodeLength(contentLength(part.parts));
  out.set(length, at);
  at += length.length;
  for (const inner of part.parts) at = write(inner, out, at);
  return at;
}

/** The encoding of `part`, written once into a buffer of exactly its size. */
export function encodeLayout(part: DerPart): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(encodedLength(part));
  write(part, out, 0);
  return out;
}
