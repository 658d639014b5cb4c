import type { Base64Mutation } from './mutation.js';

/**
 * The base64 text of a message's first S/MIME part, application/(x-)pkcs7-* or application/octet-stream
 * named smime.p7m/p7s/p7c (as verify and open read it): [start, end) in latin1 text.
 */
export interface CmsRegion {
  readonly start: number;
  readonly end: number;
}

const PKCS7_TYPE = /content-type:\s*application\/(?:(?:x-)?pkcs7-(?:mime|signature)|octet-stream;[^\r\n]*name="?smime\.p7[msc])/i;

export function findCmsRegion(text: string): CmsRegion | null {
  const header = PKCS7_TYPE.exec(text);
  if (header === null) return null;
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = header.index;
  const gap = blank.exec(text);
  if (gap === null) return null;
  const start = gap.index + gap[0].length;
  let end = start;
  while (end < text.length && /[A-Za-z0-9+/=\r\n]/.test(text[end]!)) end++;
  while (end > start && /[\r\n]/.test(text[end - 1]!)) end--;
  return end > start ? { start, end } : null;
}

export function decodeRegion(text: string, region: CmsRegion): Uint8Array {
  return new Uint8Array(Buffer.from(text.slice(region.start, region.end).replace(/[\r\n]/g, ''), 'base64'));
}

/** Base64 in 76-character lines, as every producer here writes it; CRLF unless `eol` says LF (a message stored with LF). */
export function base64Lines(bytes: Uint8Array, eol: '\r\n' | '\n' = '\r\n'): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(eol);
}

/** Applies one mutation to base64 text (the region's contents only). */
export function mutateBase64(b64: string, m: Base64Mutation): string {
  if (b64.length === 0) return b64;
  const at = (pos: number): number => pos % b64.length;
  switch (m.op) {
    case 'replace-char':
      return b64.slice(0, at(m.pos)) + m.char + b64.slice(at(m.pos) + 1);
    case 'insert-char':
      return b64.slice(0, at(m.pos)) + m.char + b64.slice(at(m.pos));
    case 'delete-char':
      return b64.slice(0, at(m.pos)) + b64.slice(at(m.pos) + 1);
    case 'whitespace':
      return b64.slice(0, at(m.pos)) + m.text + b64.slice(at(m.pos));
    case 'padding':
      if (m.kind === 'strip') return b64.replace(/=+$/, '');
      if (m.kind === 'extra') return `${b64}==`;
      return `${b64.slice(0, at(m.pos))}=${b64.slice(at(m.pos))}`;
    case 'truncate':
      return b64.slice(0, Math.floor((b64.length * (m.keep % 1000)) / 1000));
    case 'rewrap': {
      const flat = b64.replace(/[\r\n]/g, '');
      const lines = m.width === 0 ? [flat] : (flat.match(new RegExp(`.{1,${m.width}}`, 'g')) ?? []);
      return lines.join(m.lf ? '\n' : '\r\n');
    }
  }
}
