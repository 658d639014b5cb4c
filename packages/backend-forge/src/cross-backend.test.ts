import { createPkijsBackend } from '@sealpost/backend-pkijs';
import type { ContentCipher, CryptoBackend, DigestAlgorithm, KeyTransport, SignatureScheme } from '@sealpost/core';
import { createSealpost, der } from '@sealpost/core';
import { ensureTestPki, type TestIdentity, type TestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { editDer, nodeAt } from '@sealpost/conformance';
import { createForgeBackend } from './backend.js';

const forgeBackend = createForgeBackend();
const pkijsBackend = createPkijsBackend();
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nOne message, two backends.\r\n');
let pki: TestPki;

beforeAll(async () => {
  pki = await ensureTestPki();
});

const backends: Array<[string, CryptoBackend, string, CryptoBackend]> = [
  ['pkijs', pkijsBackend, 'forge', forgeBackend],
  ['forge', forgeBackend, 'pkijs', pkijsBackend],
];

const identity = (id: TestIdentity) => ({ certificate: id.cert, privateKey: { type: 'pkcs8' as const, der: id.keyDer } });

/** The same SignedData with every signature value blanked: what remains must not depend on randomness. */
function withoutSignatures(cms: Uint8Array): Uint8Array {
  // Paths below ContentInfo: [1, 0] SignedData, then its last child (SignerInfos), a SignerInfo, a field.
  const signerInfos = nodeAt(cms, [1, 0]).children.length - 1;
  return editDer(cms, (_, path) => {
    const isSignatureValue = path.length === 5 && path[2] === signerInfos && path[4] === nodeAt(cms, path.slice(0, 4)).children.length - 1;
    return isSignatureValue ? der.octetString(new Uint8Array(0)) : undefined;
  });
}

/**
 * An outline of an enveloped structure: every element's tag and length, with the values of OIDs,
 * INTEGERs and NULLs, and no random octets (keys, IVs, nonces, ciphertext, tags).
 */
function outline(cms: Uint8Array): string {
  const lines: string[] = [];
  const walk = (bytes: Uint8Array, path: number[]): void => {
    const node = nodeAt(bytes, path);
    const value = !node.constructed && node.cls === 0 && [2, 5, 6].includes(node.tagNumber) ? Buffer.from(node.contents).toString('hex') : `${node.contents.length} octets`;
    lines.push(`${'  '.repeat(path.length)}${node.raw[0]!.toString(16)} ${node.constructed ? '' : value}`);
    node.children.forEach((_, i) => walk(bytes, [...path, i]));
  };
  walk(cms, []);
  return lines.join('\n');
}

describe('signatures across backends', () => {
  const cases: Array<[SignatureScheme, 'alice' | 'carol', DigestAlgorithm]> = [
    ['rsa-pkcs1', 'alice', 'sha-256'],
    ['rsa-pkcs1', 'alice', 'sha-512'],
    ['rsa-pss', 'alice', 'sha-256'],
    ['rsa-pss', 'alice', 'sha-384'],
    ['ecdsa', 'carol', 'sha-256'],
    ['ecdsa', 'carol', 'sha-384'],
  ];
  for (const [producerName, producer, consumerName, consumer] of backends) {
    for (const [scheme, who, digest] of cases) {
      for (const detached of [true, false]) {
        it(`${producerName} signs ${scheme} ${digest} ${detached ? 'detached' : 'opaque'}, ${consumerName} verifies`, async () => {
          const id = pki.identities[who];
          const cms = await producer.sign({ content, detached, signers: [{ ...identity(id), digest, scheme }] });
          const checks = await consumer.verify({ cms, ...(detached ? { content } : {}) });
          expect(checks).toEqual([{ index: 0, certificate: id.cert, signatureValid: true, messageDigestValid: true, error: null }]);
          const tampered = cms.slice();
          tampered[tampered.length - 2]! ^= 0x04;
          expect((await consumer.verify({ cms: tampered, ...(detached ? { content } : {}) }))[0]?.signatureValid).toBe(false);
        });
      }
    }
  }

  it('RSA PKCS#1 v1.5 SignedData is byte for byte what the PKI.js backend writes', async () => {
    const { alice, bob } = pki.identities;
    const request = {
      content,
      detached: false,
      signers: [
        { ...identity(alice), digest: 'sha-256' as const, signingTime: new Date('2026-03-04T05:06:07Z'), smimeCapabilities: ['aes-256-gcm', 'aes-128-cbc', 'rc2-cbc'] as ContentCipher[] },
        { ...identity(bob), digest: 'sha-512' as const, signingTime: new Date('2061-01-01T00:00:00Z') },
      ],
      certificates: [pki.ca.cert, pki.inter.cert],
    };
    const [fromForge, fromPkijs] = [await forgeBackend.sign(request), await pkijsBackend.sign(request)];
    expect(Buffer.from(fromForge).toString('hex')).toBe(Buffer.from(fromPkijs).toString('hex'));
    const detached = { ...request, detached: true };
    expect(Buffer.from(await forgeBackend.sign(detached)).equals(Buffer.from(await pkijsBackend.sign(detached)))).toBe(true);
  });

  it('PSS and ECDSA SignedData match the PKI.js layout in everything but the (randomised) signature values', async () => {
    const { alice, carol } = pki.identities;
    for (const [id, scheme, digest] of [
      [alice, 'rsa-pss', 'sha-384'],
      [carol, 'ecdsa', 'sha-256'],
    ] as const) {
      const request = { content, detached: true, signers: [{ ...identity(id), digest, scheme, signingTime: new Date('2026-03-04T05:06:07Z') }] };
      const [fromForge, fromPkijs] = [await forgeBackend.sign(request), await pkijsBackend.sign(request)];
      expect(Buffer.from(fromForge).equals(Buffer.from(fromPkijs))).toBe(false);
      expect(Buffer.from(withoutSignatures(fromForge)).toString('hex')).toBe(Buffer.from(withoutSignatures(fromPkijs)).toString('hex'));
    }
  });
});

describe('encryption across backends', () => {
  const ciphers: ContentCipher[] = ['aes-128-cbc', 'aes-256-cbc', 'aes-192-gcm', 'aes-256-gcm'];
  const transports: KeyTransport[] = ['rsa-pkcs1', 'rsa-oaep'];
  for (const [producerName, producer, consumerName, consumer] of backends) {
    for (const cipher of ciphers) {
      for (const keyTransport of transports) {
        it(`${producerName} encrypts ${cipher} with ${keyTransport}, ${consumerName} decrypts`, async () => {
          const { alice, bob } = pki.identities;
          const cms = await producer.encrypt({ content, recipients: [{ certificate: alice.cert }, { certificate: bob.cert }], cipher, keyTransport });
          for (const id of [alice, bob]) expect((await consumer.decrypt({ cms, ...identity(id) })).content).toEqual(content);
        });
      }
    }
  }

  for (const [producerName, producer, consumerName, consumer] of backends) {
    for (const [who, cipher] of [
      ['carol', 'aes-128-gcm'],
      ['olivia', 'aes-256-cbc'],
      ['peggy', 'aes-192-gcm'],
    ] as const) {
      it(`${producerName} encrypts ${cipher} to ${who} (ECDH), ${consumerName} decrypts`, async () => {
        const { [who]: ec, alice } = pki.identities;
        const cms = await producer.encrypt({ content, recipients: [{ certificate: ec.cert }, { certificate: alice.cert }], cipher, keyTransport: 'rsa-pkcs1' });
        for (const id of [ec, alice]) expect((await consumer.decrypt({ cms, ...identity(id) })).content).toEqual(content);
      });
    }
  }

  it('ECDH EnvelopedData has the PKI.js layout (fresh ephemeral keys and wrapped keys aside)', async () => {
    const { carol, peggy } = pki.identities;
    const request = { content, recipients: [{ certificate: carol.cert }, { certificate: peggy.cert }], cipher: 'aes-256-cbc' as const, keyTransport: 'rsa-pkcs1' as const };
    const [fromForge, fromPkijs] = [await forgeBackend.encrypt(request), await pkijsBackend.encrypt(request)];
    // The SET of RecipientInfos is sorted by encoding, and random octets come early in a kari: compare them as a set.
    const recipientOutlines = (cms: Uint8Array) =>
      nodeAt(cms, [1, 0, 1])
        .children.map((info) => outline(info.raw))
        .sort();
    expect(recipientOutlines(fromForge)).toEqual(recipientOutlines(fromPkijs));
  });

  it('EnvelopedData and AuthEnvelopedData with PKCS#1 v1.5 have the PKI.js layout', async () => {
    const { alice, bob } = pki.identities;
    for (const cipher of ['aes-256-cbc', 'aes-128-gcm'] as const) {
      const request = { content, recipients: [{ certificate: alice.cert }, { certificate: bob.cert }], cipher, keyTransport: 'rsa-pkcs1' as const };
      const [fromForge, fromPkijs] = [await forgeBackend.encrypt(request), await pkijsBackend.encrypt(request)];
      // The recipients' SET is sorted by encoding, which their serial numbers decide before any random octet.
      expect(outline(fromForge)).toBe(outline(fromPkijs));
    }
  });
});

describe('whole messages across backends', () => {
  for (const [producerName, producer, consumerName, consumer] of backends) {
    it(`${producerName} signs and encrypts, ${consumerName} opens`, async () => {
      const { alice, bob } = pki.identities;
      const message = new TextEncoder().encode('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello Bob.\r\n');
      const sealed = await createSealpost({ backend: producer }).signAndEncrypt(message, { signer: identity(alice), recipients: [bob.cert], cipher: 'aes-256-gcm' });
      const report = await createSealpost({ backend: consumer }).open(sealed, { identities: [identity(bob)], trustAnchors: [pki.ca.cert] });
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
      expect(new TextDecoder().decode(report.content)).toContain('Hello Bob.');
    });
  }
});
