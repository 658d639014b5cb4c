import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { type BlockDecrypt, cbcDecrypt, desDecryptor, desEde3Decryptor, rc2Decryptor } from './index.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** ECB over whole blocks, no padding: how the published vectors are stated. */
function ecb(decrypt: BlockDecrypt, ciphertext: Uint8Array): string {
  const out = Uint8Array.from(ciphertext);
  for (let offset = 0; offset < out.length; offset += 8) decrypt(out, offset);
  return toHex(out);
}

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return isSealpostError(error) ? error.code : String(error);
  }
}

const legacyProvider = spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-cipher-algorithms']).status === 0;

function opensslEncrypt(cipher: string, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const run = spawnSync('openssl', ['enc', '-provider', 'legacy', '-provider', 'default', `-${cipher}`, '-K', toHex(key), '-iv', toHex(iv)], { input: plaintext });
  if (run.status !== 0) throw new Error(`openssl enc -${cipher}: ${String(run.stderr)}`);
  return new Uint8Array(run.stdout);
}

describe('DES and TDEA (published vectors)', () => {
  it('FIPS 81 appendix C, CBC example: "Now is the time for all "', () => {
    // Key 0123456789abcdef, IV 1234567890abcdef; the ciphertext as FIPS PUB 81 prints it.
    const ciphertext = hex('e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6');
    const iv = hex('1234567890abcdef');
    const out = Uint8Array.from(ciphertext);
    const des = desDecryptor(hex('0123456789abcdef'));
    for (let offset = 0; offset < out.length; offset += 8) {
      des(out, offset);
      const previous = offset === 0 ? iv : ciphertext.subarray(offset - 8, offset);
      for (let i = 0; i < 8; i++) out[offset + i]! ^= previous[i]!;
    }
    expect(Buffer.from(out).toString('latin1')).toBe('Now is the time for all ');
  });

  it('NIST SP 800-67 rev. 2, TDEA ECB example: "The qufck brown fox jump"', () => {
    const key = hex('0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123');
    const ciphertext = hex('A826FD8CE53B855F CCE21C8112256FE6 68D5C05DD9B6B900');
    expect(Buffer.from(ecb(desEde3Decryptor(key), ciphertext), 'hex').toString('latin1')).toBe('The qufck brown fox jump');
  });

  it('TDEA with K1 = K2 = K3 is single DES (SP 800-67 keying option 3)', () => {
    const k = hex('0123456789abcdef');
    const block = hex('e5c7cdde872bf27c');
    expect(ecb(desEde3Decryptor(hex('0123456789abcdef'.repeat(3))), block)).toBe(ecb(desDecryptor(k), block));
  });

  it('refuses keys of the wrong length', () => {
    expect(() => desDecryptor(new Uint8Array(7))).toThrow(RangeError);
    expect(() => desEde3Decryptor(new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('RC2 (RFC 2268 section 5 vectors)', () => {
  // [key, effective key bits, plaintext, ciphertext] as RFC 2268 section 5 lists them.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ];
  it.each(vectors)('key %s, %i effective bits', (key, bits, plaintext, ciphertext) => {
    expect(ecb(rc2Decryptor(hex(key), bits), hex(ciphertext))).toBe(plaintext);
  });

  it('refuses keys and effective key bits out of range', () => {
    expect(() => rc2Decryptor(new Uint8Array(0), 40)).toThrow(RangeError);
    expect(() => rc2Decryptor(new Uint8Array(129), 40)).toThrow(RangeError);
    expect(() => rc2Decryptor(new Uint8Array(5), 0)).toThrow(RangeError);
    expect(() => rc2Decryptor(new Uint8Array(5), 1025)).toThrow(RangeError);
  });
});

describe('CBC with the RFC 5652 padding', () => {
  const key = randomBytes(24);
  const iv = randomBytes(8);
  const seal = (plaintext: Uint8Array): Uint8Array => {
    const cipher = createCipheriv('des-ede3-cbc', key, iv);
    return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  };

  it('matches node:crypto (OpenSSL) des-ede3-cbc for every length from 0 to 40 octets', () => {
    for (let length = 0; length <= 40; length++) {
      const plaintext = new Uint8Array(randomBytes(length));
      expect(toHex(cbcDecrypt(desEde3Decryptor(key), iv, seal(plaintext)))).toBe(toHex(plaintext));
    }
  });

  it('accepts exactly the last blocks whose padding is right, and fails every other with the one generic error', () => {
    // Decrypting under a changed IV flips the plaintext's first block: with one block, every value of
    // the last octet, so each possible padding length, and each wrong one, is seen.
    const ciphertext = seal(Uint8Array.from([1, 2, 3, 4, 5, 6, 7]));
    for (let last = 0; last < 256; last++) {
      const changed = Uint8Array.from(iv);
      changed[7] = iv[7]! ^ 1 ^ last;
      // The plaintext is 01..07 then the last octet: only 1 is a right padding (2 would need a 2 before it).
      const code = codeOf(() => cbcDecrypt(desEde3Decryptor(key), changed, ciphertext));
      expect(code, `last octet ${last}`).toBe(last === 1 ? 'no error' : 'ERR_DECRYPTION_FAILED');
    }
    const two = Uint8Array.from(iv);
    two[6] = iv[6]! ^ 7 ^ 2;
    two[7] = iv[7]! ^ 1 ^ 2;
    expect(toHex(cbcDecrypt(desEde3Decryptor(key), two, ciphertext))).toBe('010203040506');
    const mixed = Uint8Array.from(iv);
    mixed[7] = iv[7]! ^ 1 ^ 2;
    expect(codeOf(() => cbcDecrypt(desEde3Decryptor(key), mixed, ciphertext))).toBe('ERR_DECRYPTION_FAILED');
  });

  it('fails empty and partial-block ciphertexts with the generic error', () => {
    const ciphertext = seal(new Uint8Array(20));
    for (const cut of [new Uint8Array(0), ciphertext.subarray(0, 23), ciphertext.subarray(0, 1)]) expect(codeOf(() => cbcDecrypt(desEde3Decryptor(key), iv, cut))).toBe('ERR_DECRYPTION_FAILED');
  });

  it.skipIf(!legacyProvider).each([
    ['rc2-40-cbc', 5, 40],
    ['rc2-64-cbc', 8, 64],
    ['rc2-cbc', 16, 128],
  ] as const)('matches openssl enc -%s (legacy provider) for lengths 0 to 40', (cipher, keyLength, bits) => {
    for (let length = 0; length <= 40; length += 3) {
      const rc2Key = new Uint8Array(randomBytes(keyLength));
      const rc2Iv = new Uint8Array(randomBytes(8));
      const plaintext = new Uint8Array(randomBytes(length));
      expect(toHex(cbcDecrypt(rc2Decryptor(rc2Key, bits), rc2Iv, opensslEncrypt(cipher, rc2Key, rc2Iv, plaintext)))).toBe(toHex(plaintext));
    }
  });
});
