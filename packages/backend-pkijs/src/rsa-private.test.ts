import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { privateKeyFacts } from './keys.js';
import { rsaPrivateRaw } from './rsa-private.js';
import { bytesToBigInt, bigIntToBytes, modInverse, modPow } from '@sealpost/core/backend-kit';

const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));

describe('BigInt RSA', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const facts = privateKeyFacts(pkcs8);
  if (facts.kind !== 'rsa') throw new Error('expected an RSA key');

  it('computes the same raw block as OpenSSL (RSA_NO_PADDING)', () => {
    for (let round = 0; round < 5; round++) {
      const message = random(32);
      const ciphertext = new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, message));
      const ours = rsaPrivateRaw(facts.rsaPrivateKey, ciphertext, random);
      const openssl = new Uint8Array(privateDecrypt({ key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }), padding: constants.RSA_NO_PADDING }, ciphertext));
      expect(ours).toEqual(openssl);
      expect(ours?.subarray(256 - 32)).toEqual(message);
    }
  });

  it('returns null for a ciphertext not below the modulus and for a malformed key', () => {
    expect(rsaPrivateRaw(facts.rsaPrivateKey, new Uint8Array(256).fill(0xff), random)).toBeNull();
    expect(rsaPrivateRaw(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00), new Uint8Array(256), random)).toBeNull();
  });

  it('blinds with fresh randomness on every call (the random source is consumed)', () => {
    let drawn = 0;
    const counting = (n: number) => {
      drawn += n;
      return random(n);
    };
    const ciphertext = new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, random(16)));
    rsaPrivateRaw(facts.rsaPrivateKey, ciphertext, counting);
    expect(drawn).toBeGreaterThanOrEqual(256 + 16);
  });

  it('modular helpers', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modInverse(3n, 11n)).toBe(4n);
    expect(modInverse(6n, 9n)).toBeNull();
    expect(bytesToBigInt(bigIntToBytes(0x0102n, 4))).toBe(0x0102n);
    expect(bigIntToBytes(0x0102n, 4)).toEqual(Uint8Array.of(0, 0, 1, 2));
    expect(() => bigIntToBytes(0x010203n, 2)).toThrow(RangeError);
  });
});
