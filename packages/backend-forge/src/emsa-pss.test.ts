import { constants, generateKeyPairSync, privateEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { computeDigest } from './digest.js';
import { emsaPssEncode } from './emsa-pss.js';
import type { RsaPublicKey } from './keys.js';
import { modulusBits } from './rsa.js';
import { verifySignature } from './signature-verify.js';

/** RSASSA-PSS against OpenSSL (through node:crypto), including the corners node-forge's verifier gets wrong. */

const message = new TextEncoder().encode('RSASSA-PSS test message');

function rsaPublicKey(key: KeyObject): RsaPublicKey {
  const jwk = key.export({ format: 'jwk' });
  return { kind: 'rsa', modulus: new Uint8Array(Buffer.from(jwk.n!, 'base64url')), exponent: new Uint8Array(Buffer.from(jwk.e!, 'base64url')), pssOnly: false };
}

// 1537 bits is 1 mod 8, where EM is one octet shorter than the modulus (OpenSSL rounds 2049 down to 2048).
const keys = [2048, 1537, 1031].map((modulusLength) => ({ modulusLength, ...generateKeyPairSync('rsa', { modulusLength }) }));

describe('EMSA-PSS verification against OpenSSL signatures', () => {
  for (const { modulusLength, privateKey, publicKey } of keys) {
    for (const [hash, node] of [
      ['sha-256', 'sha256'],
      ['sha-512', 'sha512'],
      ['sha-1', 'sha1'],
    ] as const) {
      for (const saltLength of [0, 20, 32]) {
        it(`${modulusLength}-bit key, ${hash}, salt ${saltLength}`, () => {
          const key = rsaPublicKey(publicKey);
          const signature = new Uint8Array(sign(node, message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
          expect(verifySignature(key, { scheme: 'rsa-pss', hash, saltLength }, message, signature)).toBe(true);
          // The salt length is checked as declared, and the message matters.
          expect(verifySignature(key, { scheme: 'rsa-pss', hash, saltLength: saltLength + 1 }, message, signature)).toBe(false);
          expect(verifySignature(key, { scheme: 'rsa-pss', hash, saltLength }, message.subarray(1), signature)).toBe(false);
        });
      }
    }
  }
});

describe('EMSA-PSS encoding verifies in OpenSSL', () => {
  for (const { modulusLength, privateKey, publicKey } of keys) {
    it(`${modulusLength}-bit key`, () => {
      const key = rsaPublicKey(publicKey);
      const bits = modulusBits(key.modulus);
      expect(bits).toBe(modulusLength);
      const em = emsaPssEncode('sha-256', computeDigest('sha-256', message), bits - 1, new Uint8Array(32).fill(9));
      const block = Uint8Array.from([...new Array<number>(key.modulus.length - em.length).fill(0), ...em]);
      const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
      expect(verify('sha256', message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
    });
  }
});

describe('where node-forge 1.4.3’s forge.pss verifier is lax or wrong, this one is strict and right', () => {
  it('a block whose octet in front of EM is not zero (modulus length 1 mod 8) is refused', () => {
    const { privateKey, publicKey } = keys[1]!;
    const key = rsaPublicKey(publicKey);
    const n = BigInt(`0x${Buffer.from(key.modulus).toString('hex')}`);
    // Find a salt whose encoding, with 0x01 put in front, is still below n (about half of them are).
    let block: Uint8Array | undefined;
    for (let salt = 0; block === undefined && salt < 256; salt++) {
      const em = emsaPssEncode('sha-256', computeDigest('sha-256', message), modulusBits(key.modulus) - 1, new Uint8Array(32).fill(salt));
      const candidate = Uint8Array.from([0x01, ...em]);
      if (BigInt(`0x${Buffer.from(candidate).toString('hex')}`) < n) block = candidate;
    }
    expect(block).toBeDefined();
    const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block!);
    expect(verifySignature(key, { scheme: 'rsa-pss', hash: 'sha-256', saltLength: 32 }, message, signature)).toBe(false);
    expect(verify('sha256', message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(false);
    expect(forgePssVerify(publicKey, signature, 32)).toBe(true);
  });

  it('an empty salt is an empty salt', () => {
    const { privateKey, publicKey } = keys[0]!;
    const signature = new Uint8Array(sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 }));
    expect(verifySignature(rsaPublicKey(publicKey), { scheme: 'rsa-pss', hash: 'sha-256', saltLength: 0 }, message, signature)).toBe(true);
    expect(forgePssVerify(publicKey, signature, 0)).toBe(false);
  });
});

/** node-forge's own RSASSA-PSS verification with SHA-256 and MGF1-SHA-256. */
function forgePssVerify(publicKey: KeyObject, signature: Uint8Array, saltLength: number): boolean {
  const key = forge.pki.publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString());
  const md = forge.md.sha256.create();
  md.update(Buffer.from(message).toString('binary'));
  const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength });
  try {
    return key.verify(md.digest().getBytes(), Buffer.from(signature).toString('binary'), pss);
  } catch {
    return false;
  }
}
