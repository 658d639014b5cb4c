import { describe, expect, it } from 'vitest';
import {
  arrayBufferBacked,
  base64Decode,
  base64DecodeAscii,
  base64DecodeOrNull,
  base64Encode,
  bytesEqual,
  concatBytes,
  constantTimeEqual,
  indexOfBytes,
  joinBytes,
  leftPad,
  latin1Decode,
  latin1Encode,
  stripLeadingZeros,
  toHex,
  utf16beEncode,
  utf8Decode,
  utf8DecodeStrict,
  utf8Encode,
} from './bytes.js';

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

describe('base64', () => {
  it('matches Node for every length 0..300 and round-trips', () => {
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n);
      const encoded = base64Encode(data);
      expect(encoded).toBe(Buffer.from(data).toString('base64'));
      expect(bytesEqual(base64Decode(encoded), data)).toBe(true);
    }
  });

  it('round-trips a megabyte of random data, with and without line breaks', () => {
    const data = randomBytes(1024 * 1024 + 7);
    expect(bytesEqual(base64Decode(base64Encode(data)), data)).toBe(true);
    expect(bytesEqual(base64Decode(base64Encode(data, 76)), data)).toBe(true);
  });

  it('writes 76-column CRLF lines, the last one ended too', () => {
    const encoded = base64Encode(randomBytes(200), 76);
    const lines = encoded.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    expect(lines.at(-1)?.length).toBeLessThanOrEqual(76);
    expect(encoded.replace(/\r\n/g, '')).toBe(Buffer.from(base64Decode(encoded)).toString('base64'));
    expect(base64Encode(randomBytes(57), 76)).toMatch(/^[A-Za-z0-9+/]{76}\r\n$/);
    expect(base64Encode(new Uint8Array(0), 76)).toBe('');
  });

  it('refuses line lengths that are not a positive multiple of 4', () => {
    expect(() => base64Encode(new Uint8Array(3), 75)).toThrow(RangeError);
    expect(() => base64Encode(new Uint8Array(3), 0)).toThrow(RangeError);
  });

  it('decodes across whitespace and without padding', () => {
    expect(utf8Decode(base64Decode(' SGVs\r\nbG8g\n\tV29y bGQ= \r\n'))).toBe('Hello World');
    expect(utf8Decode(base64Decode('SGVsbG8'))).toBe('Hello');
    expect(utf8Decode(base64Decode('SGVsbA'))).toBe('Hell');
    expect(base64Decode('')).toEqual(new Uint8Array(0));
  });

  it('refuses foreign characters, data after padding and a dangling character', () => {
    for (const bad of ['SGV*bG8=', 'SGVsbA==SGVs', 'SGVsb', 'SGVsbG8\u00e9']) {
      expect(() => base64Decode(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });

  it('the null-returning decoder follows atob: any whitespace, padding complete or absent', () => {
    expect(utf8Decode(base64DecodeOrNull(' SGVs\r\n\u00a0bG8=') ?? new Uint8Array(0))).toBe('Hello');
    expect(utf8Decode(base64DecodeOrNull('SGVsbA') ?? new Uint8Array(0))).toBe('Hell');
    expect(base64DecodeOrNull('')).toEqual(new Uint8Array(0));
    for (const bad of ['SGVsbA=', 'SGVsbA===', 'SGV*bG8=', 'SGVsbA==SGVs', 'SGVsb', '==', 'SGVsbG8\u00e9']) {
      expect(base64DecodeOrNull(bad)).toBeNull();
      expect(() => atob(bad.replace(/\s+/g, ''))).toThrow();
    }
  });

  it('lenient decoding skips what RFC 2045 tells readers to skip and stops at padding', () => {
    expect(utf8Decode(base64DecodeAscii(latin1Encode('SG*Vs!bG8=\r\n'), 'lenient'))).toBe('Hello');
    expect(utf8Decode(base64DecodeAscii(latin1Encode('SGVsbG8=IGdhcmJhZ2U='), 'lenient'))).toBe('Hello');
  });

  it('handles 16 MiB in well under a few seconds', () => {
    const data = randomBytes(16 * 1024 * 1024);
    const start = performance.now();
    const encoded = base64Encode(data, 76);
    const decoded = base64Decode(encoded);
    expect(performance.now() - start).toBeLessThan(5000);
    expect(decoded.length).toBe(data.length);
    expect(bytesEqual(decoded, data)).toBe(true);
  });
});

describe('text codecs', () => {
  it('utf8 round-trips and replaces malformed input', () => {
    expect(utf8Decode(utf8Encode('Grüße ✉ 𝄞'))).toBe('Grüße ✉ 𝄞');
    expect(utf8Decode(Uint8Array.of(0x61, 0xff, 0x62))).toBe('a\ufffdb');
    expect(utf8DecodeStrict(Uint8Array.of(0x61, 0xff))).toBeUndefined();
  });

  it('latin1 is byte for byte, 0x80..0x9F included (unlike the WHATWG label)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = latin1Decode(all);
    expect(text.length).toBe(256);
    expect(text.charCodeAt(0x80)).toBe(0x80);
    expect(bytesEqual(latin1Encode(text), all)).toBe(true);
    expect(() => latin1Encode('€')).toThrow(RangeError);
  });

  it('latin1-decodes large inputs', () => {
    const data = randomBytes(300_000);
    expect(bytesEqual(latin1Encode(latin1Decode(data)), data)).toBe(true);
  });
});

describe('byte helpers', () => {
  it('concatenates, compares and prints hex', () => {
    const joined = concatBytes(Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(0xab));
    expect(joined).toEqual(Uint8Array.of(1, 2, 0xab));
    expect(concatBytes()).toEqual(new Uint8Array(0));
    expect(bytesEqual(joined, Uint8Array.of(1, 2, 0xab))).toBe(true);
    expect(bytesEqual(joined, Uint8Array.of(1, 2, 0xac))).toBe(false);
    expect(bytesEqual(joined, Uint8Array.of(1, 2))).toBe(false);
    expect(toHex(Uint8Array.of(0, 0x0f, 0xff, 0x10))).toBe('000fff10');
  });

  it('compares in constant time with the same answers as bytesEqual', () => {
    const a = Uint8Array.of(1, 2, 3);
    expect(constantTimeEqual(a, Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(a, Uint8Array.of(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(a, Uint8Array.of(0, 2, 3))).toBe(false);
    expect(constantTimeEqual(a, Uint8Array.of(1, 2))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('joins a list longer than any argument list', () => {
    const parts = Array.from({ length: 200_000 }, (_, i) => Uint8Array.of(i & 0xff));
    const joined = joinBytes(parts);
    expect(joined.length).toBe(200_000);
    expect(joined[256 + 7]).toBe(7);
  });

  it('hands WebCrypto an ArrayBuffer-backed view, copying only a shared one', () => {
    const plain = Uint8Array.of(1, 2, 3);
    expect(arrayBufferBacked(plain)).toBe(plain);
    const shared = new Uint8Array(new SharedArrayBuffer(3));
    shared.set([4, 5, 6]);
    const copy = arrayBufferBacked(shared);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect(copy).toEqual(Uint8Array.of(4, 5, 6));
  });

  it('pads and strips big-endian magnitudes', () => {
    const input = Uint8Array.of(1, 2);
    const padded = leftPad(input, 4);
    expect(padded).toEqual(Uint8Array.of(0, 0, 1, 2));
    const same = leftPad(input, 2);
    expect(same).toEqual(input);
    expect(same).not.toBe(input);
    expect(leftPad(Uint8Array.of(1, 2, 3), 2)).toEqual(Uint8Array.of(1, 2, 3));
    expect(stripLeadingZeros(Uint8Array.of(0, 0, 1, 0))).toEqual(Uint8Array.of(1, 0));
    expect(stripLeadingZeros(Uint8Array.of(0, 0))).toEqual(Uint8Array.of(0));
    expect(stripLeadingZeros(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('writes UTF-16 big-endian code units', () => {
    expect(toHex(utf16beEncode('A\u00e9\u{1d11e}'))).toBe('004100e9d834dd1e');
  });

  it('finds byte strings', () => {
    const hay = latin1Encode('abcabd--x--xy');
    expect(indexOfBytes(hay, latin1Encode('abd'))).toBe(3);
    expect(indexOfBytes(hay, latin1Encode('--xy'))).toBe(9);
    expect(indexOfBytes(hay, latin1Encode('--x'), 7)).toBe(9);
    expect(indexOfBytes(hay, latin1Encode('xyz'))).toBe(-1);
    expect(indexOfBytes(hay, latin1Encode('a'), 4)).toBe(-1);
  });
});
