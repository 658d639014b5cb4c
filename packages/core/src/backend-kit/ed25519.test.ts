import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import type { BackendCapabilities, DigestAlgorithm, SignRequest } from '../backend.js';
import { fromHex } from '../bytes.js';
import { pemDecode } from '../pki/pem.js';
import { certificateFactsOf } from './certificate-facts.js';
import { readSignedData } from './cms-reader.js';
import { ed25519SignatureShapeFits, isUsableEd25519Key } from './ed25519-encoding.js';
import type { SignPrimitives } from './primitives.js';
import { signContent } from './sign-content.js';
import { newSignedAttributes } from './signed-attributes.js';
import { signedDataContentInfo, signerInfo } from './signed-data-writer.js';
import { checkCertificateSignature, verifySignedData } from './verify-signed-data.js';

/** Ed25519 in CMS (RFC 8419) in core's engine, on node:crypto primitives, with the RFC 9216 example keys. */

const VECTORS = join(import.meta.dirname, '../../../../tooling/fixtures/vectors/rfc9216');
const pem = (name: string, label: string): Uint8Array => pemDecode(readFileSync(join(VECTORS, name), 'utf8'), label)[0] as Uint8Array;
const certificate = (name: string): Uint8Array => pem(name, 'CERTIFICATE');

const ED25519_CA = certificate('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem');
const RSA_CA = certificate('Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem');
const CARLOS = certificate('carlos@smime.example.sig.pem');
const CARLOS_KEY = pem('lamps-carlos.p8.pem', 'PRIVATE KEY');
const DANA_ENC = certificate('dana@smime.example.enc.pem');

const CAPABILITIES: BackendCapabilities = {
  digests: ['sha-256', 'sha-384', 'sha-512'],
  signatureSchemes: ['rsa-pkcs1', 'rsa-pss', 'ecdsa', 'ed25519'],
  contentCiphers: [],
  keyTransport: [],
  keyAgreement: [],
  keyTypes: ['rsa', 'ec-p256', 'ed25519'],
  runtimes: ['node'],
  keyUris: false,
};

const nodeDigest = (algorithm: DigestAlgorithm, data: Uint8Array) => new Uint8Array(createHash(algorithm.replace('-', '')).update(data).digest());

/** node:crypto as the primitives: Ed25519 (PureEdDSA, no prehash) and the RSA the LAMPS CA signs with. */
function nodePrimitives(options: { readonly accept?: boolean } = {}): SignPrimitives {
  return {
    digest: nodeDigest,
    verifySignature({ spki, params, data, signature }) {
      if (options.accept === true) return true;
      const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      return verify(params.scheme === 'ed25519' ? null : params.hash.replace('-', ''), data, key, signature);
    },
    async sign({ privateKey, data }) {
      if (privateKey.type !== 'pkcs8') throw new Error('pkcs8 only');
      return new Uint8Array(sign(null, data, createPrivateKey({ key: Buffer.from(privateKey.der), format: 'der', type: 'pkcs8' })));
    },
  };
}

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nfrom carlos\r\n');
const request = (overrides: Partial<SignRequest['signers'][number]> = {}): SignRequest => ({
  content,
  detached: true,
  signers: [{ certificate: CARLOS, privateKey: { type: 'pkcs8', der: CARLOS_KEY }, digest: 'sha-512', ...overrides }],
});

describe('Ed25519-signed certificates (RFC 9216)', () => {
  it('checks the Ed25519 CA, the Ed25519 and X25519 certificates it issued, and its cross-signature on the RSA CA', async () => {
    const primitives = nodePrimitives();
    expect(await checkCertificateSignature(primitives, { certificate: ED25519_CA, issuer: ED25519_CA })).toBe(true);
    expect(await checkCertificateSignature(primitives, { certificate: CARLOS, issuer: ED25519_CA })).toBe(true);
    expect(await checkCertificateSignature(primitives, { certificate: DANA_ENC, issuer: ED25519_CA })).toBe(true);
    const crossSigned = certificate('Sample_LAMPS_RSA_Certification_Authority.crosssigned.pem');
    expect(await checkCertificateSignature(primitives, { certificate: crossSigned, issuer: ED25519_CA })).toBe(true);
    // Another issuer's key, and a key that makes no signatures (X25519), verify nothing.
    expect(await checkCertificateSignature(primitives, { certificate: CARLOS, issuer: RSA_CA })).toBe(false);
    expect(await checkCertificateSignature(primitives, { certificate: CARLOS, issuer: DANA_ENC })).toBe(false);
  });

  it('reads Ed25519 and X25519 keys as RFC 8410 has them: 32 octets, parameters absent', () => {
    expect(certificateFactsOf(CARLOS)?.publicKey).toMatchObject({ kind: 'ed25519' });
    expect(certificateFactsOf(DANA_ENC)?.publicKey).toMatchObject({ kind: 'x25519' });
    expect(certificateFactsOf(CARLOS)?.publicKey).toHaveProperty('key.length', 32);
  });
});

describe('signing with Ed25519 (RFC 8419)', () => {
  it('writes id-Ed25519 without parameters, SHA-512 as the digest algorithm, and PureEdDSA over the signed attributes', async () => {
    const cms = await signContent(nodePrimitives(), CAPABILITIES, request());
    const signedData = readSignedData(cms);
    const signer = signedData.signers[0];
    expect(signer?.digestAlgorithm.oid).toBe(OID.sha512);
    expect(signer?.signatureAlgorithm).toMatchObject({ oid: OID.ed25519, parameters: undefined });
    expect(signer?.signature).toHaveLength(64);
    const key = createPublicKey({ key: Buffer.from(certificateFactsOf(CARLOS)?.spki ?? []), format: 'der', type: 'spki' });
    expect(verify(null, signer?.signedAttrsForSignature ?? new Uint8Array(0), key, signer?.signature ?? new Uint8Array(0))).toBe(true);
    const [check] = await verifySignedData(nodePrimitives(), CAPABILITIES, { cms, content });
    expect(check).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
  });

  it('refuses another digest, another scheme, an X25519 certificate and another Ed25519 key with typed errors', async () => {
    await expect(signContent(nodePrimitives(), CAPABILITIES, request({ digest: 'sha-256' }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(signContent(nodePrimitives(), CAPABILITIES, request({ scheme: 'ecdsa' }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(signContent(nodePrimitives(), CAPABILITIES, request({ certificate: DANA_ENC }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    const other = new Uint8Array(generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }));
    await expect(signContent(nodePrimitives(), CAPABILITIES, request({ privateKey: { type: 'pkcs8', der: other } }))).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
    const without = { ...CAPABILITIES, signatureSchemes: ['rsa-pkcs1' as const], keyTypes: ['rsa' as const] };
    await expect(signContent(nodePrimitives(), without, request())).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
  });
});

describe('verifying Ed25519 SignerInfos', () => {
  /** A SignerInfo by carlos with the given digest, signature algorithm and signature (signed by node:crypto unless given). */
  function signedWith(options: { digest?: DigestAlgorithm; signatureAlgorithm?: Uint8Array; signature?: (signed: Uint8Array) => Uint8Array } = {}): Uint8Array {
    const digest = options.digest ?? 'sha-512';
    const facts = certificateFactsOf(CARLOS);
    if (facts === null) throw new Error('carlos');
    const signedAttributes = newSignedAttributes({ messageDigest: nodeDigest(digest, content) });
    const data = der.setOf(signedAttributes);
    const key = createPrivateKey({ key: Buffer.from(CARLOS_KEY), format: 'der', type: 'pkcs8' });
    const signature = options.signature?.(data) ?? new Uint8Array(sign(null, data, key));
    const info = signerInfo({ certificate: facts, digest, signedAttributes, signatureAlgorithm: options.signatureAlgorithm ?? der.algorithmIdentifier(OID.ed25519), signature });
    return signedDataContentInfo({ digests: [digest], content: null, certificates: [CARLOS], signerInfos: [info] });
  }
  const check = async (cms: Uint8Array, accept = false) => (await verifySignedData(nodePrimitives({ accept }), CAPABILITIES, { cms, content }))[0];

  it('a good signature is valid', async () => {
    expect(await check(signedWith())).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
  });

  it('another digest algorithm than SHA-512 is invalid (RFC 8419 3.1), NULL parameters unsupported', async () => {
    expect(await check(signedWith({ digest: 'sha-256' }))).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
    expect(await check(signedWith({ signatureAlgorithm: der.algorithmIdentifier(OID.ed25519, der.nullValue()) }))).toMatchObject({
      signatureValid: false,
      error: { code: 'ERR_UNSUPPORTED_SIGNATURE' },
    });
  });

  it('core refuses S >= L, a non-canonical R and a wrong length before any backend checks, even one that would accept', async () => {
    const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    const addL = (signature: Uint8Array): Uint8Array => {
      const out = signature.slice();
      let carry = 0;
      for (let i = 0; i < 32; i++) {
        const sum = (out[32 + i] ?? 0) + (L[i] ?? 0) + carry;
        out[32 + i] = sum & 0xff;
        carry = sum >> 8;
      }
      return out;
    };
    const key = createPrivateKey({ key: Buffer.from(CARLOS_KEY), format: 'der', type: 'pkcs8' });
    const malleable = signedWith({ signature: (data) => addL(new Uint8Array(sign(null, data, key))) });
    expect(await check(malleable, true)).toMatchObject({ signatureValid: false, error: null });
    const nonCanonicalR = signedWith({ signature: () => Uint8Array.from([...fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), ...new Uint8Array(32)]) });
    expect(await check(nonCanonicalR, true)).toMatchObject({ signatureValid: false });
    expect(await check(signedWith({ signature: (data) => new Uint8Array(sign(null, data, key)).subarray(0, 63) }), true)).toMatchObject({ signatureValid: false });
  });

  it('reads canonical encodings and refuses the eight small-order keys', () => {
    expect(isUsableEd25519Key(certificateFactsOf(CARLOS)?.publicKey?.kind === 'ed25519' ? (certificateFactsOf(CARLOS)?.publicKey as { key: Uint8Array }).key : new Uint8Array(0))).toBe(true);
    for (const small of ['0100000000000000000000000000000000000000000000000000000000000000', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'])
      expect(isUsableEd25519Key(fromHex(small))).toBe(false);
    // y = p (non-canonical), and y = 1 with the sign bit set.
    expect(isUsableEd25519Key(fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBe(false);
    expect(isUsableEd25519Key(fromHex('0100000000000000000000000000000000000000000000000000000000000080'))).toBe(false);
    expect(ed25519SignatureShapeFits(new Uint8Array(64).fill(0).map((_, i) => (i === 0 ? 0x58 : i < 32 ? 0x66 : 0)))).toBe(true);
  });
});
