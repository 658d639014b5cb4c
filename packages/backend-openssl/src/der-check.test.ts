import { der, parseBer } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { isDer } from '../test-support/der-check.js';

const check = (bytes: number[] | Uint8Array, setOf = false): boolean => isDer(parseBer(Uint8Array.from(bytes)), setOf);

describe('isDer', () => {
  it('accepts what core`s DER writer writes', () => {
    const value = der.sequence(der.oid('1.2.840.113549.1.9.3'), der.setOf([der.octetString(new Uint8Array(200)), der.integer(128), der.boolean(true)]));
    expect(check(value)).toBe(true);
  });

  it('refuses indefinite and non-minimal lengths', () => {
    expect(check([0x30, 0x80, 0x05, 0x00, 0x00, 0x00])).toBe(false);
    expect(check([0x04, 0x81, 0x01, 0xaa])).toBe(false);
    expect(check([0x04, 0x82, 0x00, 0x81, ...new Array(0x81).fill(0)])).toBe(false);
    expect(check([0x04, 0x81, 0x81, ...new Array(0x81).fill(0)])).toBe(true);
  });

  it('refuses constructed strings, loose BOOLEANs and padded INTEGERs', () => {
    expect(check([0x24, 0x03, 0x04, 0x01, 0xaa])).toBe(false);
    expect(check([0x01, 0x01, 0x01])).toBe(false);
    expect(check([0x02, 0x02, 0x00, 0x7f])).toBe(false);
    expect(check([0x02, 0x02, 0x00, 0x80])).toBe(true);
    expect(check([0x02, 0x02, 0xff, 0x80])).toBe(false);
  });

  it('refuses SET OF elements out of order, in a SET and in an implicitly tagged SET OF', () => {
    expect(check([0x31, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01])).toBe(false);
    expect(check([0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02])).toBe(true);
    expect(check([0xa0, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01], true)).toBe(false);
    expect(check([0xa0, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01])).toBe(true);
  });
});
