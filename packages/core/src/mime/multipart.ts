import { latin1Encode, utf8Encode } from '../bytes.js';
import { endingLengthBefore, lineEnd } from './lines.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const DASH = 0x2d;

/** A multipart body cut at its boundaries. Every array is a subarray of the body. */
export interface MultipartSections {
  readonly preamble: Uint8Array;
  readonly parts: Uint8Array[];
  readonly epilogue: Uint8Array;
}

type DelimiterKind = 'open' | 'close';

/**
 * Cuts a multipart body (RFC 2046 section 5.1.1). A delimiter is a line that starts with `--boundary`,
 * then `--` for the close delimiter, then only spaces or tabs (transport padding). The line ending
 * before a delimiter line belongs to the delimiter, so no part and no preamble includes it: a
 * multipart/signed signature covers exactly the first part's bytes without that CRLF. Without a close
 * delimiter the last part runs to the end.
 */
export function splitMultipart(body: Uint8Array, boundary: string): MultipartSections {
  const dashBoundary = boundaryBytes(`--${boundary}`);
  const parts: Uint8Array[] = [];
  let preamble: Uint8Array | undefined;
  let partStart = -1;
  for (let pos = 0; pos < body.length; pos = lineEnd(body, pos)) {
    const kind = delimiterAt(body, pos, dashBoundary);
    if (kind === undefined) continue;
    const cut = pos - endingLengthBefore(body, pos);
    if (preamble === undefined) preamble = body.subarray(0, cut);
    else parts.push(body.subarray(partStart, Math.max(partStart, cut)));
    partStart = lineEnd(body, pos);
    if (kind === 'close') return { preamble, parts, epilogue: body.subarray(partStart) };
  }
  if (preamble === undefined) return { preamble: body, parts, epilogue: body.subarray(body.length) };
  parts.push(body.subarray(partStart));
  return { preamble, parts, epilogue: body.subarray(body.length) };
}

function boundaryBytes(text: string): Uint8Array {
  try {
    return latin1Encode(text);
  } catch {
    return utf8Encode(text);
  }
}

/** Whether the line starting at `pos` is a delimiter line, and which kind. */
function delimiterAt(body: Uint8Array, pos: number, dashBoundary: Uint8Array): DelimiterKind | undefined {
  if (body[pos] !== DASH || body[pos + 1] !== DASH || pos + dashBoundary.length > body.length) return undefined;
  for (let j = 2; j < dashBoundary.length; j++) if (body[pos + j] !== dashBoundary[j]) return undefined;
  let i = pos + dashBoundary.length;
  let kind: DelimiterKind = 'open';
  if (body[i] === DASH && body[i + 1] === DASH) {
    kind = 'close';
    i += 2;
  }
  while (body[i] === SP || body[i] === HTAB) i++;
  if (i === body.length || body[i] === LF) return kind;
  if (body[i] === CR && (i + 1 === body.length || body[i + 1] === LF)) return kind;
  return undefined;
}
