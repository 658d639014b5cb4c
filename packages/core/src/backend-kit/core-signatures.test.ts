import { type KeyObject, constants, generateKeyPairSync, sign } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { decodeElement } from '../asn1/accessors.js';
import type { DigestAlgorithm } from '../backend.js';
import { type SigningKeyFacts, publicKeyFactsOf } from './certificate-facts.js';
import { coreVerifySignature } from './core-signatures.js';
import type { SignatureParams } from './signature-algorithms.js';

/** Signatures made by node:crypto (OpenSSL), checked by core's own verification. */
const data = new TextEncoder().encode('signed attributes, say');
const other = new TextEncoder().encode('signed attributes, sag');
const NODE_HASH: Partial<Record<DigestAlgorithm, string>> = { md5: 'md5', 'sha-224': 'sha224' };

function factsOf(key: KeyObject): { spki: Uint8Array; publicKey: SigningKeyFacts } {
  const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  const facts = publicKeyFactsOf(decodeElement(spki) ?? undefined);
  if (facts === null || (facts.kind !== 'rsa' && facts.kind !== 'ec')) throw new Error('not an RSA or EC key');
  return { spki, publicKey: facts };
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const check = (key: KeyObject, params: SignatureParams, signature: Uint8Array, signed = data): Promise<boolean> => coreVerifySignature({ ...factsOf(key), params, data: signed, signature });

describe('core-signatures: RSA and ECDSA over MD5 and SHA-224', () => {
  for (const hash of ['md5', 'sha-224'] as const) {
    it(`RSA PKCS #1 v1.5 with ${hash}: the signature verifies, over other data or changed it does not`, async () => {
      const signature = new Uint8Array(sign(NODE_HASH[hash]!, data, rsa.privateKey));
      const params = { scheme: 'rsa-pkcs1', hash } as const;
      expect(await check(rsa.publicKey, params, signature)).toBe(true);
      expect(await check(rsa.publicKey, params, signature, other)).toBe(false);
      const changed = signature.slice();
      changed[100]! ^= 0x40;
      expect(await check(rsa.publicKey, params, changed)).toBe(false);
      // The same signature read as the other digest's: a different DigestInfo.
      expect(await check(rsa.publicKey, { scheme: 'rsa-pkcs1', hash: hash === 'md5' ? 'sha-224' : 'md5' }, signature)).toBe(false);
    });
  }

  it('RSA PKCS #1 v1.5: a signature representative not below the modulus is no signature', async () => {
    const { publicKey } = factsOf(rsa.publicKey);
    if (publicKey.kind !== 'rsa') throw new Error('RSA');
    expect(await check(rsa.publicKey, { scheme: 'rsa-pkcs1', hash: 'sha-224' }, publicKey.modulus.slice())).toBe(false);
    expect(await check(rsa.publicKey, { scheme: 'rsa-pkcs1', hash: 'sha-224' }, new Uint8Array(publicKey.modulus.length).fill(0xff))).toBe(false);
  });

  it('RSA-PSS with SHA-224: salts of 0, 28 and the longest verify with their length, not with another', async () => {
    const longest = 256 - 28 - 2;
    for (const saltLength of [0, 28, longest]) {
      const signature = new Uint8Array(sign('sha224', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
      expect(await check(rsa.publicKey, { scheme: 'rsa-pss', hash: 'sha-224', saltLength }, signature), `salt ${saltLength}`).toBe(true);
      expect(await check(rsa.publicKey, { scheme: 'rsa-pss', hash: 'sha-224', saltLength }, signature, other), `salt ${saltLength}`).toBe(false);
      expect(await check(rsa.publicKey, { scheme: 'rsa-pss', hash: 'sha-224', saltLength: saltLength === 28 ? 20 : 28 }, signature), `salt ${saltLength}`).toBe(false);
    }
  });

  it('RSA-PSS with an odd modulus size (2047 bits): the top bits of the encoding are masked as RFC 8017 says', async () => {
    const odd = generateKeyPairSync('rsa', { modulusLength: 2047 });
    const signature = new Uint8Array(sign('sha224', data, { key: odd.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 28 }));
    expect(await check(odd.publicKey, { scheme: 'rsa-pss', hash: 'sha-224', saltLength: 28 }, signature)).toBe(true);
  });

  for (const [namedCurve, curve] of [
    ['P-256', p256],
    ['P-384', p384],
    ['P-521', p521],
  ] as const) {
    it(`ECDSA on ${namedCurve} with SHA-224: verifies, its high-s twin too (as OpenSSL); over other data or changed it does not`, async () => {
      const ec = generateKeyPairSync('ec', { namedCurve });
      const signature = new Uint8Array(sign('sha224', data, ec.privateKey));
      expect(await check(ec.publicKey, { scheme: 'ecdsa', hash: 'sha-224' }, signature)).toBe(true);
      const parsed = curve.Signature.fromBytes(signature, 'der');
      const twin = new curve.Signature(parsed.r, curve.Point.CURVE().n - parsed.s).toBytes('der');
      expect(await check(ec.publicKey, { scheme: 'ecdsa', hash: 'sha-224' }, twin)).toBe(true);
      expect(await check(ec.publicKey, { scheme: 'ecdsa', hash: 'sha-224' }, signature, other)).toBe(false);
      const changed = signature.slice();
      changed[changed.length - 1]! ^= 0x01;
      expect(await check(ec.publicKey, { scheme: 'ecdsa', hash: 'sha-224' }, changed)).toBe(false);
    });
  }

  it('a digest core does not compute, or a scheme it does not check, is a typed error', async () => {
    const signature = new Uint8Array(sign('sha256', data, rsa.privateKey));
    await expect(check(rsa.publicKey, { scheme: 'rsa-pkcs1', hash: 'sha-256' }, signature)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(check(rsa.publicKey, { scheme: 'ecdsa', hash: 'sha-224' }, signature)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
  });
});
