import { describe, expect, it } from 'vitest';
import { pkcs1v15Pad, pkcs1v15UnpadKey } from './pkcs1v15.js';

describe('PKCS#1 v1.5 encoding of a content-encryption key', () => {
  const key = new Uint8Array(32).map((_, i) => i + 1);
  const fallback = new Uint8Array(32).fill(0xee);

  it('pads as 00 02 PS 00 M, PS non-zero and at least 8 octets, drawing again for zero octets', () => {
    let calls = 0;
    let drawn = 0;
    // Every other octet the source gives is zero, which must be skipped.
    const em = pkcs1v15Pad(key, 256, (length) => (calls++, new Uint8Array(length).map(() => (drawn++ % 2 === 0 ? 0 : 0x5a))));
    expect(em.length).toBe(256);
    expect([em[0], em[1]]).toEqual([0x00, 0x02]);
    expect(em.subarray(2, 256 - 33).every((b) => b === 0x5a)).toBe(true);
    expect(em[256 - 33]).toBe(0x00);
    expect(em.subarray(256 - 32)).toEqual(key);
    expect(calls).toBeGreaterThan(1);
  });

  it('refuses a key too long for the block', () => {
    expect(() => pkcs1v15Pad(new Uint8Array(246), 256, (n) => new Uint8Array(n).fill(1))).toThrow(RangeError);
    expect(() => pkcs1v15Pad(new Uint8Array(245), 256, (n) => new Uint8Array(n).fill(1))).not.toThrow();
  });

  it('unpads a valid block to the key', () => {
    const em = pkcs1v15Pad(key, 256, (n) => new Uint8Array(n).fill(0x11));
    expect(pkcs1v15UnpadKey(em, 32, fallback)).toEqual(key);
  });

  const valid = (): Uint8Array => pkcs1v15Pad(key, 256, (n) => new Uint8Array(n).fill(0x11));
  const broken: Array<[string, (em: Uint8Array) => void]> = [
    ['a non-zero first octet', (em) => void (em[0] = 1)],
    ['block type 01', (em) => void (em[1] = 1)],
    ['a zero octet inside PS', (em) => void (em[100] = 0)],
    ['a zero octet among the first 8 of PS', (em) => void (em[5] = 0)],
    ['no zero separator where the key length puts it', (em) => void (em[256 - 33] = 0x11)],
  ];
  for (const [label, breakIt] of broken) {
    it(`returns the fallback key, not an error, for ${label}`, () => {
      const em = valid();
      breakIt(em);
      expect(pkcs1v15UnpadKey(em, 32, fallback)).toEqual(fallback);
    });
  }

  it('returns the fallback for a valid encoding of a key of another length', () => {
    const em = pkcs1v15Pad(new Uint8Array(16).fill(3), 256, (n) => new Uint8Array(n).fill(0x11));
    expect(pkcs1v15UnpadKey(em, 32, fallback)).toEqual(fallback);
    expect(pkcs1v15UnpadKey(em, 16, fallback.subarray(0, 16))).toEqual(new Uint8Array(16).fill(3));
  });

  it('returns the fallback for an all-zero block and for a block too small to hold PS', () => {
    expect(pkcs1v15UnpadKey(new Uint8Array(256), 32, fallback)).toEqual(fallback);
    expect(pkcs1v15UnpadKey(Uint8Array.from([0, 2, 1, 1, 1, 1, 1, 0, ...key]), 32, fallback)).toEqual(fallback);
    expect(() => pkcs1v15UnpadKey(valid(), 32, new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('PKCS#1 v1.5 with a real random source', () => {
  const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
  const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const fallback = new Uint8Array(32).fill(0xee);

  it('pads as 00 02 PS 00 M with a non-zero PS of at least 8 octets', () => {
    for (let round = 0; round < 50; round++) {
      const em = pkcs1v15Pad(key, 256, random);
      expect(em.length).toBe(256);
      expect([em[0], em[1]]).toEqual([0, 2]);
      expect(em.subarray(2, 256 - 33).every((b) => b !== 0)).toBe(true);
      expect(em[256 - 33]).toBe(0);
      expect(em.subarray(256 - 32)).toEqual(key);
    }
  });

  it('refuses a key too long for the block', () => {
    expect(() => pkcs1v15Pad(new Uint8Array(50), 60, random)).toThrow(RangeError);
  });

  it('unpads a valid block to the key', () => {
    expect(pkcs1v15UnpadKey(pkcs1v15Pad(key, 256, random), 32, fallback)).toEqual(key);
  });

  const breakers: Array<[string, (em: Uint8Array) => void]> = [
    ['first octet not 0', (em) => void (em[0] = 1)],
    ['second octet not 2', (em) => void (em[1] = 1)],
    ['block type 1', (em) => void (em[1] = 1)],
    ['a zero inside PS (key too long)', (em) => void (em[100] = 0)],
    ['a zero early in PS (short PS)', (em) => void (em[5] = 0)],
    ['no separator before the key (key too short)', (em) => void (em[256 - 33] = 7)],
  ];
  for (const [label, breakIt] of breakers) {
    it(`returns the fallback key, not an error, for ${label}`, () => {
      const em = pkcs1v15Pad(key, 256, random);
      breakIt(em);
      expect(pkcs1v15UnpadKey(em, 32, fallback)).toEqual(fallback);
    });
  }

  it('returns the fallback for a valid encoding of a key of another length', () => {
    expect(pkcs1v15UnpadKey(pkcs1v15Pad(key.subarray(0, 16), 256, random), 32, fallback)).toEqual(fallback);
    expect(pkcs1v15UnpadKey(pkcs1v15Pad(key, 256, random), 16, fallback.subarray(0, 16))).toEqual(fallback.subarray(0, 16));
  });

  it('returns the fallback for an all-zero block and for a block too small to hold PS', () => {
    expect(pkcs1v15UnpadKey(new Uint8Array(256), 32, fallback)).toEqual(fallback);
    expect(pkcs1v15UnpadKey(Uint8Array.of(0, 2, 1, 1, 1, 0, ...key), 32, fallback)).toEqual(fallback);
  });
});
