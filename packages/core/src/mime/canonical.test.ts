import { describe, expect, it } from 'vitest';
import { base64Encode, bytesEqual, concatBytes, latin1Decode, latin1Encode, utf8Encode } from '../bytes.js';
import { canonicalizeForSigning } from './canonical.js';
import { getHeader, getHeaders } from './headers.js';
import { isSevenBitSafe, toCrlf } from './lines.js';
import { parseMime } from './parse.js';
import { decodeBody } from './transfer-encoding.js';
import type { MimeEntity } from './types.js';

const b = latin1Encode;
const s = latin1Decode;
const canon = (text: string | Uint8Array) => canonicalizeForSigning(typeof text === 'string' ? b(text) : text);

function leaves(e: MimeEntity): MimeEntity[] {
  return e.children.length === 0 ? [e] : e.children.flatMap(leaves);
}

function hasBareLf(bytes: Uint8Array): boolean {
  return bytes.some((c, i) => c === 0x0a && bytes[i - 1] !== 0x0d);
}

describe('canonicalizeForSigning', () => {
  it('changes only the line endings of a 7-bit entity', () => {
    const input = 'Content-Type: multipart/mixed; boundary=b\n\npreamble\n--b\nContent-Type: text/plain\n\nline one  \nFrom the start\n--b--\nepilogue\n';
    expect(s(canon(input))).toBe(input.replaceAll('\n', '\r\n'));
    const crlf = b(input.replaceAll('\n', '\r\n'));
    expect(bytesEqual(canonicalizeForSigning(crlf), crlf)).toBe(true);
  });

  it('re-encodes an 8-bit text part as base64 of its CRLF text and replaces its encoding field', () => {
    const text = 'Grüße,\nzweite Zeile\n';
    const input = concatBytes(b('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\nX-After: kept\n\n'), utf8Encode(text));
    const out = canon(input);
    const e = parseMime(out);
    expect(s(e.headerBytes)).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\nX-After: kept\r\n');
    expect(bytesEqual(decodeBody(e), utf8Encode(text.replaceAll('\n', '\r\n')))).toBe(true);
    expect(s(e.body)).toBe(base64Encode(utf8Encode(text.replaceAll('\n', '\r\n')), 76));
  });

  it('adds the encoding field when there was none and drops duplicate ones', () => {
    const added = parseMime(canon('Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\u00e9\r\n'));
    expect(getHeaders(added, 'content-transfer-encoding')).toEqual(['base64']);
    expect(s(decodeBody(added))).toBe('caf\u00e9\r\n');
    const dup = parseMime(canon('Content-Transfer-Encoding: 8bit\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\u00e9'));
    expect(getHeaders(dup, 'content-transfer-encoding')).toEqual(['base64']);
    expect(dup.headers.map((h) => h.name)).toEqual(['Content-Transfer-Encoding', 'Content-Type']);
  });

  it('adds a header block to a body that had none', () => {
    const out = parseMime(canon('\ncaf\u00e9'));
    expect(getHeader(out, 'content-transfer-encoding')).toBe('base64');
    expect(s(decodeBody(out))).toBe('caf\u00e9');
    const noBlank = parseMime(canon('just text caf\u00e9\n'));
    expect(s(decodeBody(noBlank))).toBe('just text caf\u00e9\r\n');
  });

  it('re-encodes NUL, bare CR and lines over 998 octets', () => {
    for (const body of ['a\u0000b', 'a\rb', 'x'.repeat(999)]) {
      const e = parseMime(canon(`Content-Type: text/plain\r\n\r\n${body}`));
      expect(getHeader(e, 'content-transfer-encoding')).toBe('base64');
      expect(s(decodeBody(e))).toBe(body);
    }
    expect(s(canon(`Content-Type: text/plain\r\n\r\n${'x'.repeat(998)}`))).toBe(`Content-Type: text/plain\r\n\r\n${'x'.repeat(998)}`);
  });

  it('encodes a binary non-text part byte for byte, line feeds included', () => {
    const data = Uint8Array.of(0x0a, 0x41, 0x0a, 0xff, 0x0d);
    const e = parseMime(canon(concatBytes(b('Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n'), data)));
    expect(bytesEqual(decodeBody(e), data)).toBe(true);
    // Binary content that happens to be CRLF text stays as it is.
    expect(s(canon('Content-Type: application/json\r\nContent-Transfer-Encoding: binary\r\n\r\n{}\r\n'))).toBe('Content-Type: application/json\r\nContent-Transfer-Encoding: binary\r\n\r\n{}\r\n');
  });

  it('leaves base64 and quoted-printable bodies alone apart from line endings', () => {
    const input = 'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9 \u00e9 trailing  \n';
    expect(s(canon(input))).toBe(input.replaceAll('\n', '\r\n'));
  });

  it('keeps multipart boundaries, padding, preamble and epilogue, recursing into parts', () => {
    const input = [
      'Content-Type: multipart/mixed; boundary="=_b c"',
      '',
      'preamble',
      '--=_b c  ',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'h\u00c3\u00a9',
      '--=_b c',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      '',
      'plain',
      '--inner--',
      '--=_b c--\t',
      'epilogue',
    ].join('\n');
    const out = s(canon(input));
    expect(out).toBe(
      [
        'Content-Type: multipart/mixed; boundary="=_b c"',
        '',
        'preamble',
        '--=_b c  ',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        'aMOp',
        '',
        '--=_b c',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        '',
        'plain',
        '--inner--',
        '--=_b c--\t',
        'epilogue',
      ].join('\r\n'),
    );
  });

  it('canonicalizes the message inside a message/rfc822 part instead of encoding it', () => {
    const input = 'Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: text/plain; charset=utf-8\n\nh\u00c3\u00a9\n';
    const e = parseMime(canon(input));
    expect(getHeader(e, 'content-transfer-encoding')).toBeUndefined();
    const inner = parseMime(e.body);
    expect(getHeader(inner, 'content-transfer-encoding')).toBe('base64');
    expect(s(decodeBody(inner))).toBe('h\u00c3\u00a9\r\n');
  });

  it('leaves a 7-bit enclosed message alone, even one that would not parse', () => {
    const input = 'Content-Type: message/rfc822\n\nSubject: x\nnot a header line\n\nbody\n';
    expect(s(canon(input))).toBe(input.replaceAll('\n', '\r\n'));
  });

  it('keeps a nested multipart/signed byte for byte apart from line endings', () => {
    const signed =
      'Content-Type: multipart/signed; boundary=s; protocol="application/pkcs7-signature"\n\n--s\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n\u00e9\n--s\nContent-Type: application/pkcs7-signature\n\nAAAA\n--s--\n';
    const input = `Content-Type: multipart/mixed; boundary=outer\n\n--outer\n${signed}\n--outer--\n`;
    expect(s(canon(input))).toBe(input.replaceAll('\n', '\r\n'));
  });

  it('is idempotent and leaves only 7-bit leaves on random trees', () => {
    // mulberry32: a fixed seed keeps failures reproducible.
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const eol = () => (random(2) === 0 ? '\n' : '\r\n');
    const bytesText = (n: number) => Array.from({ length: n }, () => String.fromCharCode(random(4) === 0 ? random(256) : 32 + random(95))).join('');
    const leaf = (): string => {
      const e = eol();
      switch (random(5)) {
        case 0:
          return `Content-Type: text/plain${e}${e}ascii only${e}second line`;
        case 1:
          return `Content-Type: text/plain; charset=utf-8${e}Content-Transfer-Encoding: 8bit${e}${e}${bytesText(random(200))}${e}more`;
        case 2:
          return `Content-Type: application/octet-stream${e}Content-Transfer-Encoding: binary${e}${e}${bytesText(random(300))}`;
        case 3:
          return `Content-Type: image/png${e}Content-Transfer-Encoding: base64${e}${e}${base64Encode(b(bytesText(100)), 76).replaceAll('\r\n', e)}`;
        default:
          return `${e}${'y'.repeat(990 + random(20))}`;
      }
    };
    const tree = (depth: number): string => {
      if (depth === 0 || random(3) === 0) return leaf();
      const boundary = `b${depth}_${random(1000)}`;
      const e = eol();
      const parts = Array.from({ length: 1 + random(3) }, () => `--${boundary}${e}${tree(depth - 1)}`);
      return `Content-Type: multipart/mixed; boundary="${boundary}"${e}${e}pre${e}${parts.join(e)}${e}--${boundary}--${e}post`;
    };
    let sawLfInBinary = 0;
    for (let i = 0; i < 200; i++) {
      const input = b(tree(3));
      const once = canonicalizeForSigning(input);
      const twice = canonicalizeForSigning(once);
      expect(bytesEqual(twice, once)).toBe(true);
      expect(hasBareLf(once)).toBe(false);
      const before = leaves(parseMime(input));
      const after = leaves(parseMime(once));
      expect(after.length).toBe(before.length);
      after.forEach((leafAfter, j) => {
        const leafBefore = before[j] as MimeEntity;
        expect(isSevenBitSafe(leafAfter.body)).toBe(true);
        // Line endings are text: they become CRLF, except in binary and already-encoded data.
        const byteExact = ['binary', 'base64'].includes(getHeader(leafBefore, 'content-transfer-encoding') ?? '');
        const expected = byteExact ? decodeBody(leafBefore) : toCrlf(decodeBody(leafBefore));
        expect(bytesEqual(decodeBody(leafAfter), expected)).toBe(true);
        if (byteExact && decodeBody(leafBefore).includes(0x0a)) sawLfInBinary++;
      });
    }
    // The generator must have produced the interesting case, or this test proves less than it says.
    expect(sawLfInBinary).toBeGreaterThan(0);
  });

  it('applies the parser limits', () => {
    expect(() => canonicalizeForSigning(b('Subject: x\r\n\r\nbody'), { maxBytes: 4 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_SIZE' }));
    let nested = 'Content-Type: text/plain\r\n\r\n\u00e9';
    for (let i = 0; i < 5; i++) nested = `Content-Type: message/rfc822\r\n\r\n${nested}`;
    expect(() => canonicalizeForSigning(b(nested), { maxDepth: 3 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_DEPTH' }));
    expect(() => canonicalizeForSigning(b(nested), { maxDepth: 6 })).not.toThrow();
  });
});
