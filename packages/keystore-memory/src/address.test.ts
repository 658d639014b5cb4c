import { isSealpostError, normalizeStoreAddress } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { keyStoreAddress } from './address.js';

describe('keyStoreAddress', () => {
  it("is core's one store address rule, not a copy of it", () => {
    expect(keyStoreAddress).toBe(normalizeStoreAddress);
  });

  it('lower-cases the domain, keeps the local part and trims surrounding space', () => {
    expect(keyStoreAddress(' Alice.Smith+Tag@Mail.EXAMPLE.com ')).toBe('Alice.Smith+Tag@mail.example.com');
  });

  it('refuses what is not local@domain, and control characters, with ERR_ADDRESS_MALFORMED', () => {
    for (const address of ['', 'alice', 'alice@', '@example.com', 'Alice <alice@example.com>', 'a\u0001@example.com', 'a@example.com\u007f']) {
      let error: unknown;
      try {
        keyStoreAddress(address);
      } catch (e) {
        error = e;
      }
      expect(isSealpostError(error, 'ERR_ADDRESS_MALFORMED'), JSON.stringify(address)).toBe(true);
    }
  });

  it('treats a non-string as a programming mistake', () => {
    expect(() => keyStoreAddress(42 as unknown as string)).toThrow(TypeError);
  });
});
