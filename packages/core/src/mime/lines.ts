const CR = 0x0d;
const LF = 0x0a;

/** RFC 5322 section 2.1.1: no line may be longer than 998 octets, line ending excluded. */
const MAX_LINE_OCTETS = 998;

/**
 * Index just past the line that starts at `start`: past its LF, or the end of the input when the last
 * line has no ending. A line ends at LF only; a CR not followed by LF is line content.
 */
export function lineEnd(bytes: Uint8Array, start: number): number {
  const lf = bytes.indexOf(LF, start);
  return lf === -1 ? bytes.length : lf + 1;
}

/** Length of the line ending that finishes just before `end` (2 for CRLF, 1 for LF, 0 for none). */
export function endingLengthBefore(bytes: Uint8Array, end: number): number {
  if (end === 0 || bytes[end - 1] !== LF) return 0;
  return end >= 2 && bytes[end - 2] === CR ? 2 : 1;
}

/** The line ending used by the line that ends at `end`, if it has one. */
export function endingBefore(bytes: Uint8Array, end: number): '\r\n' | '\n' | undefined {
  const n = endingLengthBefore(bytes, end);
  return n === 2 ? '\r\n' : n === 1 ? '\n' : undefined;
}

/** `bytes` with every bare LF turned into CRLF. Returns the input itself when nothing changes. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  let bareLf = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) if (i === 0 || bytes[i - 1] !== CR) bareLf++;
  if (bareLf === 0) return bytes;
  const out = new Uint8Array(bytes.length + bareLf);
  let o = 0;
  let from = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    if (i > 0 && bytes[i - 1] === CR) continue;
    out.set(bytes.subarray(from, i), o);
    o += i - from;
    out[o++] = CR;
    from = i;
  }
  out.set(bytes.subarray(from), o);
  return out;
}

/** `bytes` (already CRLF) ending in CRLF: the input itself when it does, else a copy with one added. */
export function withFinalCrlf(bytes: Uint8Array): Uint8Array {
  if (bytes[bytes.length - 1] === LF) return bytes;
  const out = new Uint8Array(bytes.length + 2);
  out.set(bytes);
  out[bytes.length] = CR;
  out[bytes.length + 1] = LF;
  return out;
}

/**
 * True when `bytes` can travel as 7bit data unchanged (RFC 2045 section 2.7): only bytes 1..127,
 * every CR and LF paired as CRLF, and no line longer than 998 octets.
 */
export function isSevenBitSafe(bytes: Uint8Array): boolean {
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0 || b > 0x7f) return false;
    if (b === CR) {
      if (bytes[i + 1] !== LF) return false;
      if (i - lineStart > MAX_LINE_OCTETS) return false;
      i++;
      lineStart = i + 1;
    } else if (b === LF) {
      return false;
    }
  }
  return bytes.length - lineStart <= MAX_LINE_OCTETS;
}
