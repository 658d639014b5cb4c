import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesEqual, latin1Decode, latin1Encode, utf8Encode } from '../bytes.js';
import { buildEntity, buildMultipart, foldHeaderField, formatParameter, generateBoundary } from './build.js';
import { getHeader } from './headers.js';
import { parseMime } from './parse.js';

const b = latin1Encode;
const s = latin1Decode;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('buildEntity', () => {
  it('writes CRLF header fields, a blank line and the body as given', () => {
    const body = Uint8Array.of(0x41, 0x0a, 0xff);
    const out = buildEntity(
      [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Transfer-Encoding', 'binary'],
      ],
      body,
    );
    expect(s(out)).toBe('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nA\n\u00ff');
    expect(bytesEqual(parseMime(out).body, body)).toBe(true);
  });

  it('writes a string body as UTF-8', () => {
    expect(bytesEqual(parseMime(buildEntity([['X-A', 'b']], 'Grüße')).body, utf8Encode('Grüße'))).toBe(true);
  });

  it('refuses line breaks, bad names and non-ASCII in header fields', () => {
    expect(() => buildEntity([['Subject', 'a\r\nBcc: victim@example.com']], '')).toThrow(TypeError);
    expect(() => buildEntity([['Subject', 'a\nb']], '')).toThrow(TypeError);
    expect(() => buildEntity([['Subject', 'a\rb']], '')).toThrow(TypeError);
    expect(() => buildEntity([['Bad Name', 'x']], '')).toThrow(TypeError);
    expect(() => buildEntity([['Bad:Name', 'x']], '')).toThrow(TypeError);
    expect(() => buildEntity([['', 'x']], '')).toThrow(TypeError);
    expect(() => buildEntity([['Subject', 'Grüße']], '')).toThrow(TypeError);
  });
});

describe('foldHeaderField', () => {
  const lines = (field: string) => field.split('\r\n');

  it('leaves short fields on one line', () => {
    expect(foldHeaderField('Subject', 'short')).toBe('Subject: short');
  });

  it('folds at whitespace so every line fits in 78 columns and unfolds back', () => {
    const value = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const folded = foldHeaderField('Subject', value);
    for (const line of lines(folded)) expect(line.length).toBeLessThanOrEqual(78);
    expect(lines(folded).length).toBeGreaterThan(1);
    expect(folded.replaceAll('\r\n', '')).toBe(`Subject: ${value}`);
    expect(parseMime(b(`${folded}\r\n\r\n`)).headers[0]?.value).toBe(value);
  });

  it('never writes a whitespace-only line and never folds right after the colon', () => {
    const value = `${'a'.repeat(70)}      ${'b'.repeat(70)}    `;
    const folded = foldHeaderField('X-Long-Field-Name', value);
    for (const line of lines(folded)) expect(line).toMatch(/\S/);
    expect(folded.replaceAll('\r\n', '')).toBe(`X-Long-Field-Name: ${value}`);
    expect(lines(foldHeaderField('X', 'y'.repeat(100)))).toEqual([`X: ${'y'.repeat(100)}`]);
  });

  it('folds past 78 columns when that is the first place it can', () => {
    const folded = foldHeaderField('Subject', `${'a'.repeat(90)} b`);
    expect(lines(folded)).toEqual([`Subject: ${'a'.repeat(90)}`, ' b']);
  });
});

describe('formatParameter', () => {
  it('quotes values that are not tokens and escapes quotes and backslashes', () => {
    expect(formatParameter('micalg', 'sha-256')).toBe('micalg=sha-256');
    expect(formatParameter('protocol', 'application/pkcs7-signature')).toBe('protocol="application/pkcs7-signature"');
    expect(formatParameter('name', 'a "b" \\c')).toBe('name="a \\"b\\" \\\\c"');
    expect(() => formatParameter('name', 'Grüße')).toThrow(TypeError);
  });
});

describe('generateBoundary', () => {
  it('makes distinct boundaries made of bchars, within 70 characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const boundary = generateBoundary();
      expect(boundary).toMatch(/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/);
      seen.add(boundary);
    }
    expect(seen.size).toBe(100);
  });
});

describe('buildMultipart', () => {
  const partA = buildEntity([['Content-Type', 'text/plain']], 'first\r\n');
  const partB = buildEntity([['Content-Type', 'application/pkcs7-signature']], 'AAAA');

  it('builds a multipart whose parts parse back byte for byte', () => {
    const out = buildMultipart('signed', { protocol: 'application/pkcs7-signature', micalg: 'sha-256' }, [partA, partB], [['X-Extra', 'yes']]);
    const root = parseMime(out);
    expect(root.contentType).toMatchObject({ type: 'multipart', subtype: 'signed' });
    expect(root.contentType.params).toMatchObject({ protocol: 'application/pkcs7-signature', micalg: 'sha-256' });
    expect(root.headers.map((h) => h.name)).toEqual(['Content-Type', 'X-Extra']);
    expect(getHeader(root, 'x-extra')).toBe('yes');
    expect(root.children).toHaveLength(2);
    expect(bytesEqual(root.children[0]?.raw ?? new Uint8Array(), partA)).toBe(true);
    expect(bytesEqual(root.children[1]?.raw ?? new Uint8Array(), partB)).toBe(true);
    expect(root.preamble.length).toBe(0);
    expect(s(root.epilogue)).toBe('');
    expect(s(out).endsWith('--\r\n')).toBe(true);
    for (const line of s(root.headerBytes).split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('draws a new boundary when a part contains the first one', () => {
    const first = new Uint8Array(16).fill(0xaa);
    let calls = 0;
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint8Array).set(calls++ === 0 ? first : new Uint8Array(16).fill(0xbb));
      return array;
    });
    const collide = b(`Content-Type: text/plain\r\n\r\n--=_${'aa'.repeat(16)}\r\n`);
    const root = parseMime(buildMultipart('mixed', {}, [collide]));
    expect(calls).toBe(2);
    expect(root.contentType.params['boundary']).toBe(`=_${'bb'.repeat(16)}`);
    expect(bytesEqual(root.children[0]?.raw ?? new Uint8Array(), collide)).toBe(true);
  });

  it('refuses a caller-chosen boundary, a bad subtype and no parts', () => {
    expect(() => buildMultipart('mixed', { boundary: 'x' }, [partA])).toThrow(TypeError);
    expect(() => buildMultipart('mi xed', {}, [partA])).toThrow(TypeError);
    expect(() => buildMultipart('mixed', {}, [])).toThrow(RangeError);
  });
});
