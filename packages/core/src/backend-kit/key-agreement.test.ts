import { spawnSync } from 'node:child_process';
import {
  type CipherGCM,
  type DecipherGCM,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { algorithmOf, decodeElement, type AlgorithmNode, type Node } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import type { BackendCapabilities, DigestAlgorithm } from '../backend.js';
import { fromHex, toHex } from '../bytes.js';
import { decryptionFailed } from '../errors.js';
import type { NamedCurve } from './certificate-facts.js';
import { certificateFactsOf } from './certificate-facts.js';
import { readEnvelope } from './cms-reader.js';
import { cbcParameters } from './content-parameters.js';
import { envelopeContentInfo } from './envelope-writer.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { decryptEnvelope } from './decrypt-envelope.js';
import { encryptContent } from './encrypt-content.js';
import { checkSchemeForCurve, eccCmsSharedInfo, hkdf, keyAgreementOf, originatorKey, originatorPublicKey, x963Kdf } from './key-agreement.js';
import type { DecryptPrimitives, EncryptPrimitives, KeyAgreementPrimitives } from './primitives.js';

const NODE_CURVE: Record<NamedCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

const nodeDigest = (algorithm: DigestAlgorithm, data: Uint8Array) => new Uint8Array(createHash(algorithm.replace('-', '')).update(data).digest());

function read(bytes: Uint8Array): AlgorithmNode {
  const algorithm = algorithmOf(decodeElement(bytes) ?? undefined);
  if (algorithm === null) throw new Error('not an AlgorithmIdentifier');
  return algorithm;
}

function node(bytes: Uint8Array): Node {
  const element = decodeElement(bytes);
  if (element === null) throw new Error('not one element');
  return element;
}

describe('the ANSI X9.63 KDF', () => {
  // NIST CAVP 800-135 ansx963_2001.rsp, [SHA-256]: without SharedInfo, and with SharedInfo over four blocks.
  it('gives the NIST CAVP SHA-256 answers', async () => {
    expect(toHex(await x963Kdf(nodeDigest, 'sha-256', fromHex('96c05619d56c328ab95fe84b18264b08725b85e33fd34f08'), new Uint8Array(0), 16))).toBe('443024c3dae66b95e6f5670601558f71');
    const longer = await x963Kdf(nodeDigest, 'sha-256', fromHex('22518b10e70f2a3f243810ae3254139efbee04aa57c7af7d'), fromHex('75eef81aa3041e33b80971203d2c0c52'), 128);
    expect(toHex(longer)).toBe(
      'c498af77161cc59f2962b9a713e2b215152d139766ce34a776df11866a69bf2e52a13d9c7c6fc878c50c5ea0bc7b00e0da2447cfd874f6cf92f30d0097111485' +
        '500c90c3af8b487872d04685d14c8d1dc8d7fa08beb0ce0ababc11f0bd496269142d43525a78e5bc79a17f59676a5706dc54d54d4d1f0bd7e386128ec26afc21',
    );
  });

  it('matches Hash(Z || counter || SharedInfo) over a node:crypto ECDH secret, for every curve and KDF hash', async () => {
    for (const [curve, hash] of [
      ['P-256', 'sha-256'],
      ['P-384', 'sha-384'],
      ['P-521', 'sha-512'],
      ['P-256', 'sha-1'],
    ] as const) {
      const alice = createECDH(NODE_CURVE[curve]);
      const bob = createECDH(NODE_CURVE[curve]);
      bob.generateKeys();
      alice.generateKeys();
      const z = alice.computeSecret(bob.getPublicKey());
      expect(bob.computeSecret(alice.getPublicKey()).equals(z)).toBe(true);
      const sharedInfo = eccCmsSharedInfo(der.algorithmIdentifier(OID.aes256Wrap), null, 32);
      const name = hash.replace('-', '');
      const expected = Buffer.concat(
        [1, 2].map((counter) =>
          createHash(name)
            .update(z)
            .update(Buffer.of(0, 0, 0, counter))
            .update(sharedInfo)
            .digest(),
        ),
      ).subarray(0, 32);
      expect(toHex(await x963Kdf(nodeDigest, hash, z, sharedInfo, 32))).toBe(expected.toString('hex'));
    }
  });
});

describe('ECC-CMS-SharedInfo (RFC 5753 7.2)', () => {
  it('holds the key-wrap algorithm, the ukm as entityUInfo, and the KEK length in bits', () => {
    expect(toHex(eccCmsSharedInfo(der.algorithmIdentifier(OID.aes128Wrap), null, 16))).toBe('3015300b0609608648016503040105a20604040000' + '0080');
    expect(toHex(eccCmsSharedInfo(der.algorithmIdentifier(OID.aes256Wrap), Uint8Array.of(1, 2, 3), 32))).toBe('301c300b060960864801650304012da0050403010203a20604040000' + '0100');
  });
});

describe('reading a KeyAgreeRecipientInfo', () => {
  const scheme = (oid: string, wrap?: Uint8Array) => read(der.algorithmIdentifier(oid, wrap));

  it('resolves the dhSinglePass schemes openssl cms writes and reads, with AES key wrap', () => {
    const wrap = der.algorithmIdentifier(OID.aes128Wrap);
    expect(keyAgreementOf(scheme(OID.dhSinglePassStdDHSha1kdfScheme, wrap))).toEqual({ kdf: 'x963', dh: 'standard', hash: 'sha-1', kekLength: 16, wrapAlgorithm: wrap });
    expect(keyAgreementOf(scheme(OID.dhSinglePassStdDHSha384kdfScheme, der.algorithmIdentifier(OID.aes256Wrap)))).toMatchObject({ hash: 'sha-384', kekLength: 32 });
    expect(keyAgreementOf(scheme(OID.dhSinglePassCofactorDHSha512kdfScheme, der.algorithmIdentifier(OID.aes192Wrap)))).toMatchObject({ hash: 'sha-512', kekLength: 24 });
    // A NULL parameter is kept: the KDF input holds the key-wrap identifier as received.
    const withNull = der.algorithmIdentifier(OID.aes128Wrap, der.nullValue());
    expect(keyAgreementOf(scheme(OID.dhSinglePassStdDHSha256kdfScheme, withNull)).wrapAlgorithm).toEqual(withNull);
  });

  it('refuses SHA-224 KDFs, 3DES key wrap and ECMQV with ERR_UNSUPPORTED_KEY_AGREEMENT, a missing key wrap as malformed', () => {
    const unsupported = expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
    expect(() => keyAgreementOf(scheme(OID.dhSinglePassStdDHSha224kdfScheme, der.algorithmIdentifier(OID.aes128Wrap)))).toThrow(unsupported);
    expect(() => keyAgreementOf(scheme(OID.dhSinglePassStdDHSha256kdfScheme, der.algorithmIdentifier(OID.cms3DESwrap, der.nullValue())))).toThrow(unsupported);
    expect(() => keyAgreementOf(scheme('1.3.132.1.15.1', der.algorithmIdentifier(OID.aes128Wrap)))).toThrow(unsupported);
    expect(() => keyAgreementOf(scheme(OID.dhSinglePassStdDHSha256kdfScheme))).toThrow(expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }));
  });

  it('takes the sender key only as an uncompressed point on the recipient curve', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const point = new Uint8Array(ecdh.getPublicKey());
    const withParameters = (parameters: Uint8Array | undefined, key: Uint8Array) => node(der.implicitConstructed(1, der.algorithmIdentifier(OID.ecPublicKey, parameters), der.bitString(key)));
    expect(originatorPublicKey(node(originatorKey(point)), 'P-256')).toEqual(point);
    expect(originatorPublicKey(withParameters(der.nullValue(), point), 'P-256')).toEqual(point);
    expect(originatorPublicKey(withParameters(der.oid(OID.secp256r1), point), 'P-256')).toEqual(point);
    const malformed = expect.objectContaining({ code: 'ERR_CMS_MALFORMED' });
    expect(() => originatorPublicKey(withParameters(der.oid(OID.secp384r1), point), 'P-256')).toThrow(malformed);
    expect(() => originatorPublicKey(node(originatorKey(point.subarray(0, 64))), 'P-256')).toThrow(malformed);
    expect(() => originatorPublicKey(node(originatorKey(point)), 'P-384')).toThrow(malformed);
    const compressed = new Uint8Array(ecdh.getPublicKey(null, 'compressed'));
    expect(() => originatorPublicKey(node(originatorKey(compressed)), 'P-256')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' }));
    // Static-static agreement names the originator by certificate: [0] subjectKeyIdentifier here.
    expect(() => originatorPublicKey(node(der.implicitPrimitive(0, Uint8Array.of(1, 2))), 'P-256')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' }));
  });
});

function x25519(privateKey: ReturnType<typeof createPrivateKey>, publicKey: Uint8Array): Uint8Array {
  const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
  return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
}

/** The engine's primitives on node:crypto, to check core's half of ECDH against OpenSSL with no backend involved. */
function nodePrimitives(): DecryptPrimitives & EncryptPrimitives & KeyAgreementPrimitives {
  const unused = () => Promise.reject(new Error('key transport is not part of this test'));
  const iv = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
  const aes = (key: Uint8Array, mode: string) => `aes-${key.length * 8}-${mode}`;
  return {
    random: (length) => new Uint8Array(randomBytes(length)),
    digest: nodeDigest,
    async deriveSharedSecret({ curve, privateKey, publicKey }) {
      if (privateKey.type !== 'pkcs8') throw new Error('pkcs8 only');
      const jwk = createPrivateKey({ key: Buffer.from(privateKey.der), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
      if (curve === 'X25519') return x25519(createPrivateKey({ key: Buffer.from(privateKey.der), format: 'der', type: 'pkcs8' }), publicKey);
      const ecdh = createECDH(NODE_CURVE[curve]);
      ecdh.setPrivateKey(Buffer.from(jwk.d ?? '', 'base64url'));
      return new Uint8Array(ecdh.computeSecret(publicKey));
    },
    async deriveEphemeralSharedSecret({ curve, publicKey }) {
      if (curve === 'X25519') {
        const ephemeral = generateKeyPairSync('x25519');
        const raw = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
        return { ephemeralPublicKey: new Uint8Array(raw), sharedSecret: x25519(ephemeral.privateKey, publicKey) };
      }
      const ecdh = createECDH(NODE_CURVE[curve]);
      return { ephemeralPublicKey: new Uint8Array(ecdh.generateKeys()), sharedSecret: new Uint8Array(ecdh.computeSecret(publicKey)) };
    },
    async wrapKeyAes({ kek, key }) {
      const cipher = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, iv);
      return new Uint8Array(Buffer.concat([cipher.update(key), cipher.final()]));
    },
    async unwrapKeyAes({ kek, key }) {
      try {
        const decipher = createDecipheriv(`id-aes${kek.length * 8}-wrap`, kek, iv);
        return new Uint8Array(Buffer.concat([decipher.update(key), decipher.final()]));
      } catch {
        throw decryptionFailed();
      }
    },
    async encryptContent({ key, parameters, content }) {
      if (parameters.mode === 'cbc') {
        const c = createCipheriv(aes(key, 'cbc'), key, parameters.iv);
        return { ciphertext: new Uint8Array(Buffer.concat([c.update(content), c.final()])), mac: null };
      }
      const c = createCipheriv(aes(key, 'gcm'), key, parameters.nonce) as CipherGCM;
      const ciphertext = new Uint8Array(Buffer.concat([c.update(content), c.final()]));
      return { ciphertext, mac: new Uint8Array(c.getAuthTag()) };
    },
    async decryptContent({ key, parameters, ciphertext, mac, additionalData }) {
      try {
        if (parameters.mode === 'cbc') {
          const d = createDecipheriv(aes(key, 'cbc'), key, parameters.iv);
          return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
        }
        const d = createDecipheriv(aes(key, 'gcm'), key, parameters.nonce) as DecipherGCM;
        d.setAuthTag(mac ?? new Uint8Array(16));
        if (additionalData !== null) d.setAAD(additionalData);
        return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
      } catch {
        throw decryptionFailed();
      }
    },
    wrapKey: unused,
    unwrapKey: unused,
  };
}

const CAPABILITIES: BackendCapabilities = {
  digests: ['sha-1', 'sha-256', 'sha-384', 'sha-512'],
  signatureSchemes: [],
  contentCiphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm'],
  keyTransport: ['rsa-pkcs1'],
  keyAgreement: ['ecdh-p256', 'ecdh-p384', 'ecdh-p521', 'x25519'],
  keyTypes: [],
  runtimes: ['node'],
  keyUris: false,
};

function openssl(args: string[], input?: Uint8Array): Buffer {
  const result = spawnSync('openssl', args, { input, timeout: 20_000 });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

describe('core against openssl cms: ECDH KeyAgreeRecipientInfo both ways', () => {
  let dir: string;
  const keys = {} as Record<NamedCurve, { certPath: string; keyPath: string; cert: Uint8Array; key: Uint8Array }>;
  const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nagreed\r\n');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealpost-ecdh-'));
    for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
      const keyPath = join(dir, `${curve}.key`);
      const certPath = join(dir, `${curve}.crt`);
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-nodes', '-subj', `/CN=ECDH ${curve}`, '-days', '2', '-keyout', keyPath, '-out', certPath]);
      const cert = new Uint8Array(openssl(['x509', '-in', certPath, '-outform', 'DER']));
      const key = new Uint8Array(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']));
      keys[curve] = { certPath, keyPath, cert, key };
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    ['P-256', 'aes-128-cbc', []],
    ['P-256', 'aes-256-gcm', ['-keyopt', 'ecdh_kdf_md:sha256']],
    ['P-384', 'aes-192-cbc', ['-keyopt', 'ecdh_kdf_md:sha384']],
    ['P-521', 'aes-256-gcm', ['-keyopt', 'ecdh_kdf_md:sha512']],
  ] as const;

  for (const [curve, cipher, options] of cases) {
    it(`decrypts what openssl cms writes: ${curve}, ${cipher}, ${options.length === 0 ? 'its default SHA-1 KDF' : options[1]}`, async () => {
      const cms = openssl(['cms', '-encrypt', '-binary', `-${cipher}`, '-outform', 'DER', '-recip', keys[curve].certPath, ...options], content);
      const result = await decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms, certificate: keys[curve].cert, privateKey: { type: 'pkcs8', der: keys[curve].key } });
      expect(result.content).toEqual(content);
    });

    it(`writes what openssl cms decrypts: ${curve}, ${cipher}`, async () => {
      const cms = await encryptContent(nodePrimitives(), CAPABILITIES, { content, recipients: [{ certificate: keys[curve].cert }], cipher, keyTransport: 'rsa-pkcs1' });
      const recipient = readEnvelope(cms).recipients[0];
      expect(recipient?.kind).toBe('kari');
      writeFileSync(join(dir, 'out.der'), cms);
      expect(openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', join(dir, 'out.der'), '-recip', keys[curve].certPath, '-inkey', keys[curve].keyPath])).toEqual(Buffer.from(content));
      const text = openssl(['asn1parse', '-inform', 'DER', '-in', join(dir, 'out.der')]).toString();
      const kdf = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' }[curve];
      expect(text).toContain(`dhSinglePass-stdDH-${kdf}kdf-scheme`);
      expect(text).toContain(`id-aes${cipher.slice(4, 7)}-wrap`);
    });
  }

  it('a tampered wrapped key is the one decryption failure', async () => {
    const cms = new Uint8Array(openssl(['cms', '-encrypt', '-binary', '-aes-128-cbc', '-outform', 'DER', '-recip', keys['P-256'].certPath], content));
    const recipient = readEnvelope(cms).recipients[0];
    if (recipient?.kind !== 'kari') throw new Error('not a kari');
    const wrapped = recipient.encryptedKeys[0] as Uint8Array;
    const at = Buffer.from(cms).indexOf(Buffer.from(wrapped));
    cms[at + 3] = (cms[at + 3] ?? 0) ^ 0x01;
    await expect(decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms, certificate: keys['P-256'].cert, privateKey: { type: 'pkcs8', der: keys['P-256'].key } })).rejects.toMatchObject({
      code: 'ERR_DECRYPTION_FAILED',
    });
  });
});

describe('HKDF (RFC 5869) as RFC 8418 2.2 uses it', () => {
  it('gives RFC 5869 test case 3 (SHA-256, no salt, no info)', async () => {
    const okm = await hkdf(nodeDigest, 'sha-256', fromHex('0b'.repeat(22)), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it('matches HMAC-based extract and expand computed by node:crypto, for every hash and over several blocks', async () => {
    const { createHmac, hkdfSync } = await import('node:crypto');
    for (const hash of ['sha-256', 'sha-384', 'sha-512'] as const) {
      const z = randomBytes(32);
      const info = eccCmsSharedInfo(der.algorithmIdentifier(OID.aes256Wrap), Uint8Array.of(9, 9), 32);
      const name = hash.replace('-', '');
      expect(toHex(await hkdf(nodeDigest, hash, z, info, 100))).toBe(Buffer.from(hkdfSync(name, z, Buffer.alloc(0), info, 100)).toString('hex'));
      // An empty salt is HashLen zero octets (RFC 5869 2.2): the same PRK.
      expect(createHmac(name, Buffer.alloc(0)).update(z).digest()).toEqual(
        createHmac(name, Buffer.alloc(nodeDigest(hash, z).length))
          .update(z)
          .digest(),
      );
    }
  });
});

describe('X25519 key agreement (RFC 8418)', () => {
  const scheme = (oid: string) => read(der.algorithmIdentifier(oid, der.algorithmIdentifier(OID.aes256Wrap)));
  const unsupported = expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
  const malformed = expect.objectContaining({ code: 'ERR_CMS_MALFORMED' });

  it('reads the X9.63 and HKDF schemes with SHA-2 for X25519, and HKDF only for X25519', () => {
    for (const [oid, kdf, hash] of [
      [OID.dhSinglePassStdDHSha256kdfScheme, 'x963', 'sha-256'],
      [OID.dhSinglePassStdDHSha512kdfScheme, 'x963', 'sha-512'],
      [OID.dhSinglePassStdDHHkdfSha256Scheme, 'hkdf', 'sha-256'],
      [OID.dhSinglePassStdDHHkdfSha384Scheme, 'hkdf', 'sha-384'],
      [OID.dhSinglePassStdDHHkdfSha512Scheme, 'hkdf', 'sha-512'],
    ] as const) {
      const params = keyAgreementOf(scheme(oid));
      expect(params).toMatchObject({ kdf, hash, kekLength: 32 });
      expect(() => checkSchemeForCurve(params, 'X25519')).not.toThrow();
    }
    expect(() => checkSchemeForCurve(keyAgreementOf(scheme(OID.dhSinglePassStdDHHkdfSha256Scheme)), 'P-256')).toThrow(unsupported);
    expect(() => checkSchemeForCurve(keyAgreementOf(scheme(OID.dhSinglePassStdDHSha1kdfScheme)), 'X25519')).toThrow(unsupported);
    expect(() => checkSchemeForCurve(keyAgreementOf(scheme(OID.dhSinglePassCofactorDHSha256kdfScheme)), 'X25519')).toThrow(unsupported);
  });

  it('takes the sender key only as id-X25519 without parameters and 32 octets', () => {
    const key = new Uint8Array(randomBytes(32));
    const withAlgorithm = (algorithm: Uint8Array, bytes: Uint8Array) => node(der.implicitConstructed(1, algorithm, der.bitString(bytes)));
    expect(originatorPublicKey(node(originatorKey(key, 'X25519')), 'X25519')).toEqual(key);
    expect(() => originatorPublicKey(withAlgorithm(der.algorithmIdentifier(OID.x25519, der.nullValue()), key), 'X25519')).toThrow(malformed);
    expect(() => originatorPublicKey(node(originatorKey(key.subarray(0, 31), 'X25519')), 'X25519')).toThrow(malformed);
    expect(() => originatorPublicKey(node(originatorKey(key, 'X25519')), 'P-256')).toThrow(malformed);
    expect(() => originatorPublicKey(withAlgorithm(der.algorithmIdentifier(OID.x448), key), 'X25519')).toThrow(unsupported);
  });

  describe('with the RFC 9216 X25519 key of dana@smime.example', () => {
    let certificate: Uint8Array;
    let privateKey: Uint8Array;
    const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nto dana\r\n');

    beforeAll(async () => {
      const { readFileSync } = await import('node:fs');
      const { pemDecode } = await import('../pki/pem.js');
      const vectors = join(import.meta.dirname, '../../../../tooling/fixtures/vectors/rfc9216');
      certificate = pemDecode(readFileSync(join(vectors, 'dana@smime.example.enc.pem'), 'utf8'), 'CERTIFICATE')[0] as Uint8Array;
      privateKey = pemDecode(readFileSync(join(vectors, 'lamps-dana.decrypt.p8.pem'), 'utf8'), 'PRIVATE KEY')[0] as Uint8Array;
    });

    it('writes id-X25519 originator keys with dhSinglePass-stdDH-sha256kdf-scheme and decrypts them back', async () => {
      for (const cipher of ['aes-128-cbc', 'aes-256-gcm'] as const) {
        const cms = await encryptContent(nodePrimitives(), CAPABILITIES, { content, recipients: [{ certificate }], cipher, keyTransport: 'rsa-pkcs1' });
        const recipient = readEnvelope(cms).recipients[0];
        if (recipient?.kind !== 'kari') throw new Error('not a kari');
        expect(recipient.keyEncryptionAlgorithm.oid).toBe(OID.dhSinglePassStdDHSha256kdfScheme);
        expect(algorithmOf(recipient.keyEncryptionAlgorithm.parameters)?.oid).toBe(cipher === 'aes-128-cbc' ? OID.aes128Wrap : OID.aes256Wrap);
        expect(originatorPublicKey(recipient.originator, 'X25519')).toHaveLength(32);
        const result = await decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms, certificate, privateKey: { type: 'pkcs8', der: privateKey } });
        expect(result.content).toEqual(content);
      }
    });

    it('decrypts an HKDF-SHA-256 KeyAgreeRecipientInfo with a ukm, built here from the RFC 8418 2.2 definition', async () => {
      const envelope = readEnvelope(await encryptContent(nodePrimitives(), CAPABILITIES, { content, recipients: [{ certificate }], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' }));
      const recipient = envelope.recipients[0];
      if (recipient?.kind !== 'kari' || envelope.parameters?.mode !== 'cbc') throw new Error('not a kari with CBC');
      // The content key as core wrapped it (X9.63, no ukm), then wrapped again under HKDF-SHA-256 with a ukm.
      const ephemeral = originatorPublicKey(recipient.originator, 'X25519');
      const z = await nodePrimitives().deriveSharedSecret({ curve: 'X25519', privateKey: { type: 'pkcs8', der: privateKey }, publicKey: ephemeral });
      const wrap = der.algorithmIdentifier(OID.aes256Wrap);
      const x963 = await x963Kdf(nodeDigest, 'sha-256', z, eccCmsSharedInfo(wrap, null, 32), 32);
      const cek = await nodePrimitives().unwrapKeyAes({ kek: x963, key: recipient.encryptedKeys[0] as Uint8Array });
      const ukm = Uint8Array.of(1, 2, 3, 4);
      const kek = await hkdf(nodeDigest, 'sha-256', z, eccCmsSharedInfo(wrap, ukm, 32), 32);
      const encryptedKey = await nodePrimitives().wrapKeyAes({ kek, key: cek });
      const facts = certificateFactsOf(certificate);
      if (facts === null) throw new Error('unreadable certificate');
      const kari = der.implicitConstructed(
        1,
        der.integer(3),
        der.explicit(0, originatorKey(ephemeral, 'X25519')),
        der.explicit(1, der.octetString(ukm)),
        der.algorithmIdentifier(OID.dhSinglePassStdDHHkdfSha256Scheme, wrap),
        der.sequence(der.sequence(issuerAndSerialNumber(facts), der.octetString(encryptedKey))),
      );
      const cms = envelopeContentInfo({ recipientInfos: [kari], cipherOid: envelope.cipherOid, parameters: cbcParameters(envelope.parameters.iv), ciphertext: envelope.ciphertext, mac: null });
      const result = await decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms, certificate, privateKey: { type: 'pkcs8', der: privateKey } });
      expect(result.content).toEqual(content);
      // The same message with the ukm left out of the KDF input is a wrong key: the one decryption failure.
      const withoutUkm = envelopeContentInfo({
        recipientInfos: [
          der.implicitConstructed(
            1,
            der.integer(3),
            der.explicit(0, originatorKey(ephemeral, 'X25519')),
            der.algorithmIdentifier(OID.dhSinglePassStdDHHkdfSha256Scheme, wrap),
            der.sequence(der.sequence(issuerAndSerialNumber(facts), der.octetString(encryptedKey))),
          ),
        ],
        cipherOid: envelope.cipherOid,
        parameters: cbcParameters(envelope.parameters.iv),
        ciphertext: envelope.ciphertext,
        mac: null,
      });
      await expect(decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms: withoutUkm, certificate, privateKey: { type: 'pkcs8', der: privateKey } })).rejects.toMatchObject({
        code: 'ERR_DECRYPTION_FAILED',
      });
    });

    it('refuses an all-zero X25519 secret as the one decryption failure, whatever the primitive returns', async () => {
      const cms = await encryptContent(nodePrimitives(), CAPABILITIES, { content, recipients: [{ certificate }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
      const zero = { ...nodePrimitives(), deriveSharedSecret: async () => new Uint8Array(32) };
      await expect(decryptEnvelope(zero, CAPABILITIES, { cms, certificate, privateKey: { type: 'pkcs8', der: privateKey } })).rejects.toMatchObject({ code: 'ERR_DECRYPTION_FAILED' });
      const zeroOut = { ...nodePrimitives(), deriveEphemeralSharedSecret: async () => ({ ephemeralPublicKey: new Uint8Array(32), sharedSecret: new Uint8Array(32) }) };
      await expect(encryptContent(zeroOut, CAPABILITIES, { content, recipients: [{ certificate }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({
        code: 'ERR_CERTIFICATE_MALFORMED',
      });
    });

    it('needs an X25519 private key, and a backend that lists x25519', async () => {
      const cms = await encryptContent(nodePrimitives(), CAPABILITIES, { content, recipients: [{ certificate }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
      await expect(decryptEnvelope(nodePrimitives(), CAPABILITIES, { cms, certificate, privateKey: { type: 'pkcs8', der: new Uint8Array(ec) } })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_KEY',
      });
      const without = { ...CAPABILITIES, keyAgreement: ['ecdh-p256' as const] };
      await expect(decryptEnvelope(nodePrimitives(), without, { cms, certificate, privateKey: { type: 'pkcs8', der: privateKey } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
      await expect(encryptContent(nodePrimitives(), without, { content, recipients: [{ certificate }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_KEY_AGREEMENT',
      });
    });
  });
});
