import { createHash } from 'node:crypto';
import { der, parseCertificate } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { createForgeBackend } from './backend.js';

/**
 * Bleichenbacher's 2006 forgery against RSA keys with e = 3: without the private key, pick s so that
 * s^3 (smaller than n, so no reduction happens) begins 00 01 FF 00 DigestInfo and ends in garbage.
 * A verifier that parses the block (skip the FF octets, read the DigestInfo, ignore what follows)
 * accepts it; this backend compares the whole block with the encoding it builds and does not.
 */

const backend = createForgeBackend();
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay 100 EUR to account 1234.\r\n');
let pki: TestPki;

beforeAll(async () => {
  pki = await ensureTestPki();
});

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function toBytes(value: bigint, length: number): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex'));
}

/** floor(cbrt(x)) by Newton's method on integers. */
function integerCubeRoot(x: bigint): bigint {
  if (x < 2n) return x;
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 3));
  for (;;) {
    const next = (2n * r + x / (r * r)) / 3n;
    if (next >= r) break;
    r = next;
  }
  while (r * r * r > x) r -= 1n;
  while ((r + 1n) ** 3n <= x) r += 1n;
  return r;
}

function rsaPublic(cert: Uint8Array): { n: bigint; e: bigint; size: number } {
  const info = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(cert).toString('binary'))));
  const key = info.publicKey as forge.pki.rsa.PublicKey;
  const n = BigInt(`0x${key.n.toString(16)}`);
  return { n, e: BigInt(`0x${key.e.toString(16)}`), size: Math.ceil(n.toString(2).length / 8) };
}

function digestInfo(hash: Uint8Array, withNull = true): Uint8Array {
  return der.sequence(withNull ? der.algorithmIdentifier(kit.OID.sha256, der.nullValue()) : der.algorithmIdentifier(kit.OID.sha256), der.octetString(hash));
}

/** A signature s with s^3 = 00 01 FF 00 DigestInfo(hash) GARBAGE, made from the public key alone. */
function forgeCubeSignature(hash: Uint8Array, n: bigint, size: number): Uint8Array {
  const prefix = Uint8Array.from([0x00, 0x01, 0xff, 0x00, ...digestInfo(hash)]);
  const garbageBits = BigInt((size - prefix.length) * 8);
  const lowest = toBigInt(prefix) << garbageBits;
  const highest = lowest + (1n << garbageBits) - 1n;
  const s = integerCubeRoot(highest);
  expect(s ** 3n >= lowest && s ** 3n <= highest && s ** 3n < n).toBe(true);
  return toBytes(s, size);
}

/** The kind of check Bleichenbacher's attack defeats: parse the block, ignore what trails the DigestInfo. */
function naiveVerify(signature: Uint8Array, expectedHash: Uint8Array, n: bigint, e: bigint, size: number): boolean {
  const block = toBytes(toBigInt(signature) ** e % n, size);
  if (block[0] !== 0x00 || block[1] !== 0x01) return false;
  let i = 2;
  while (block[i] === 0xff) i++;
  if (block[i++] !== 0x00) return false;
  if (block[i] !== 0x30) return false;
  const length = block[i + 1]!;
  const info = block.subarray(i, i + 2 + length);
  const hash = info.subarray(info.length - expectedHash.length);
  return Buffer.from(hash).equals(Buffer.from(expectedHash)) && info[info.length - expectedHash.length - 2] === 0x04;
}

function signedDataWith(cert: Uint8Array, signedAttrs: Uint8Array, signature: Uint8Array): Uint8Array {
  const info = parseCertificate(cert);
  const attrs = Uint8Array.from(signedAttrs);
  attrs[0] = 0xa0;
  const signerInfo = der.sequence(
    der.integer(1),
    der.sequence(info.issuerDer, der.integer(BigInt(`0x${info.serial}`))),
    der.algorithmIdentifier(kit.OID.sha256),
    attrs,
    der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()),
    der.octetString(signature),
  );
  const signedData = der.sequence(der.integer(1), der.setOf([der.algorithmIdentifier(kit.OID.sha256)]), der.sequence(der.oid(kit.OID.data)), der.tlv(0xa0, cert), der.setOf([signerInfo]));
  return der.sequence(der.oid(kit.OID.signedData), der.explicit(0, signedData));
}

describe('RSA e = 3 signature forgery (Bleichenbacher 2006)', () => {
  it('a forged signature that a parsing verifier accepts is reported invalid', async () => {
    const erin = pki.identities.erin;
    const { n, e, size } = rsaPublic(erin.cert);
    expect(e).toBe(3n);
    const signedAttrs = der.setOf(kit.newSignedAttributes({ messageDigest: new Uint8Array(createHash('sha256').update(content).digest()) }));
    const hash = new Uint8Array(createHash('sha256').update(signedAttrs).digest());
    const forged = forgeCubeSignature(hash, n, size);

    // What the forgery is: the cube really starts with a short padding and the right DigestInfo.
    const cube = toBytes(toBigInt(forged) ** 3n, size);
    expect(Buffer.from(cube.subarray(0, 4)).toString('hex')).toBe('0001ff00');
    expect(Buffer.from(cube.subarray(4, 4 + 51)).equals(Buffer.from(digestInfo(hash)))).toBe(true);
    expect(naiveVerify(forged, hash, n, e, size)).toBe(true);

    const [check] = await backend.verify({ cms: signedDataWith(erin.cert, signedAttrs, forged), content });
    expect(check).toEqual({ index: 0, certificate: erin.cert, signatureValid: false, messageDigestValid: true, error: null });
  });

  it('control: a real signature by the same e = 3 key verifies, and a flipped bit does not', async () => {
    const erin = pki.identities.erin;
    const signedAttrs = der.setOf(kit.newSignedAttributes({ messageDigest: new Uint8Array(createHash('sha256').update(content).digest()) }));
    const genuine = new Uint8Array(createHash('sha256').update(signedAttrs).digest());
    const key = forge.pki.privateKeyFromPem(erin.keyPem);
    const md = forge.md.sha256.create();
    md.update(Buffer.from(signedAttrs).toString('binary'));
    const signature = new Uint8Array(Buffer.from(key.sign(md), 'binary'));
    expect(signature.length).toBe(256);
    expect(genuine.length).toBe(32);

    const [valid] = await backend.verify({ cms: signedDataWith(erin.cert, signedAttrs, signature), content });
    expect(valid).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
    for (const at of [0, 100, 255]) {
      const flipped = signature.slice();
      flipped[at]! ^= 0x01;
      const [check] = await backend.verify({ cms: signedDataWith(erin.cert, signedAttrs, flipped), content });
      expect(check).toMatchObject({ signatureValid: false, messageDigestValid: true, error: null });
    }
  });

  it('the block must be exact: a shortened signature or one not below n fails; DigestInfo without NULL is accepted', async () => {
    const erin = pki.identities.erin;
    const { n, size } = rsaPublic(erin.cert);
    const signedAttrs = der.setOf(kit.newSignedAttributes({ messageDigest: new Uint8Array(createHash('sha256').update(content).digest()) }));
    const hash = new Uint8Array(createHash('sha256').update(signedAttrs).digest());
    const verifyWith = async (signature: Uint8Array) => (await backend.verify({ cms: signedDataWith(erin.cert, signedAttrs, signature), content }))[0];

    // A real signature over the block with the DigestInfo's NULL parameters left out (RFC 8017 B.1).
    const info = digestInfo(hash, false);
    const block = Uint8Array.from([0x00, 0x01, ...new Array<number>(size - info.length - 3).fill(0xff), 0x00, ...info]);
    const key = forge.pki.privateKeyFromPem(erin.keyPem);
    const signature = new Uint8Array(Buffer.from(key.decrypt(Buffer.from(block).toString('binary'), 'RAW'), 'binary'));
    expect(await verifyWith(signature)).toMatchObject({ signatureValid: true, error: null });

    // The forged s is far below 2^2040, so its DER-minimal form would be shorter than the modulus.
    const shortened = forgeCubeSignature(hash, n, size).subarray(1);
    const longer = Uint8Array.from([0, ...signature]);
    for (const bad of [shortened, longer, toBytes(n, size), toBytes(n + 1n, size), new Uint8Array(size)]) {
      expect(await verifyWith(bad)).toMatchObject({ signatureValid: false, error: null });
    }
  });
});
