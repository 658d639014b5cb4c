import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BerNode, type ContentCipher, type PrivateKeyRef, der, inspectCms, parseBer } from '@sealpost/core';
import { ensureTestPki, type TestPki, vectorsDir } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, makeX25519Certificate, type ExtraIdentity } from '../test-support/extra-keys.js';
import { invocations, makeScratch, recordingOpenssl } from '../test-support/fake-openssl.js';
import { isDer } from '../test-support/der-check.js';
import { failureOf } from '../test-support/failure.js';
import { createOpensslBackend, type OpensslBackend } from './index.js';

const scratch = makeScratch();
let pki: TestPki;
let backend: OpensslBackend;
let p384: ExtraIdentity;
let p521: ExtraIdentity;
let pssKey: ExtraIdentity;
let ed25519: ExtraIdentity;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nfor your eyes only\r\n');

beforeAll(async () => {
  pki = await ensureTestPki();
  backend = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase });
  p384 = makeIdentity(scratch.dir, 'ec-p384', 'p384@example.com');
  p521 = makeIdentity(scratch.dir, 'ec-p521', 'p521@example.com');
  pssKey = makeIdentity(scratch.dir, 'rsa-pss', 'pss@example.com');
  ed25519 = makeIdentity(scratch.dir, 'ed25519', 'ed@example.com');
});
afterAll(() => scratch.cleanup());

const pkcs8 = (der: Uint8Array): PrivateKeyRef => ({ type: 'pkcs8', der });
const spawns = (verb: string): number => invocations(scratch).filter((c) => c.argv[0] === 'cms' && c.argv[1] === verb).length;
const containsBytes = (haystack: Uint8Array, needle: Uint8Array): boolean => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
const decryptsTo = async (cms: Uint8Array, certificate: Uint8Array, key: Uint8Array): Promise<string> =>
  Buffer.from((await backend.decrypt({ cms, certificate, privateKey: pkcs8(key) })).content).toString();

/** The RecipientInfo nodes of an enveloped structure. */
function recipientInfos(cms: Uint8Array): readonly BerNode[] {
  return parseBer(cms).children[1]!.children[0]!.children.find((c, i) => i > 0 && c.tagNumber === 17)!.children;
}

describe('encrypt', () => {
  it('writes DER: EnvelopedData for CBC, AuthEnvelopedData for GCM, with a primitive encryptedContent', async () => {
    for (const cipher of ['aes-128-cbc', 'aes-192-gcm'] as ContentCipher[]) {
      const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher, keyTransport: 'rsa-pkcs1' });
      expect(isDer(parseBer(cms))).toBe(true);
      expect(inspectCms(cms)).toMatchObject({ type: cipher.endsWith('gcm') ? 'auth-enveloped-data' : 'enveloped-data', cipher });
      const encryptedContent = parseBer(cms).children[1]!.children[0]!.children[2]!.children[2]!;
      expect(encryptedContent.constructed).toBe(false);
      expect(await decryptsTo(cms, pki.identities.bob.cert, pki.identities.bob.keyDer)).toBe(Buffer.from(content).toString());
    }
  });

  it('RSAES-OAEP uses SHA-256 and MGF1-SHA-256', async () => {
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    const algorithm = recipientInfos(cms)[0]!.children[2]!;
    const sha256 = der.algorithmIdentifier('2.16.840.1.101.3.4.2.1');
    expect(
      Buffer.from(algorithm.raw).equals(
        Buffer.from(der.algorithmIdentifier('1.2.840.113549.1.1.7', der.sequence(der.explicit(0, sha256), der.explicit(1, der.algorithmIdentifier('1.2.840.113549.1.1.8', sha256))))),
      ),
    ).toBe(true);
    expect(inspectCms(cms)).toMatchObject({ recipients: [{ keyTransport: 'rsa-oaep' }] });
    expect(await decryptsTo(cms, pki.identities.bob.cert, pki.identities.bob.keyDer)).toBe(Buffer.from(content).toString());
  });

  it('EC recipients get ECDH key agreement on P-256, P-384 and P-521 (the KDF hash RFC 5753 pairs with each curve), mixed with RSA ones', async () => {
    const { alice, carol } = pki.identities;
    const recipients = [carol.cert, p384.cert, p521.cert, alice.cert].map((certificate) => ({ certificate }));
    for (const cipher of ['aes-256-gcm', 'aes-128-cbc'] as const) {
      const cms = await backend.encrypt({ content, recipients, cipher, keyTransport: 'rsa-oaep' });
      const summary = inspectCms(cms);
      const kinds = summary.type === 'auth-enveloped-data' || summary.type === 'enveloped-data' ? summary.recipients.map((r) => `${r.kind}:${r.keyTransport}`) : [];
      expect(kinds.sort()).toEqual(['kari:null', 'kari:null', 'kari:null', 'ktri:rsa-oaep']);
      // dhSinglePass-stdDH-sha256kdf-scheme, -sha384kdf-, -sha512kdf-: one KeyAgreeRecipientInfo each.
      const karis = recipientInfos(cms).filter((r) => r.tagNumber === 1);
      for (const scheme of ['1.3.132.1.11.1', '1.3.132.1.11.2', '1.3.132.1.11.3']) expect(karis.filter((k) => containsBytes(k.raw, der.oid(scheme)))).toHaveLength(1);
      for (const [cert, key] of [
        [carol.cert, carol.keyDer],
        [p384.cert, p384.keyDer],
        [p521.cert, p521.keyDer],
        [alice.cert, alice.keyDer],
      ] as const)
        expect(await decryptsTo(cms, cert, key)).toBe(Buffer.from(content).toString());
    }
  });

  it('writes X25519 KeyAgreeRecipientInfos (which openssl cms 3.0 cannot) under core, in-process, and decrypts them with pkeyutl -derive', async () => {
    const before = spawns('-encrypt');
    const certificate = makeX25519Certificate(scratch.dir, pki.ca.certPath, pki.ca.keyPath);
    const key = new Uint8Array(execFileSync('openssl', ['pkey', '-in', join(scratch.dir, 'x25519.key'), '-outform', 'DER']));
    const cms = await backend.encrypt({ content, recipients: [{ certificate }, { certificate: pki.identities.carol.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    expect(spawns('-encrypt')).toBe(before);
    expect((await backend.decrypt({ cms, certificate, privateKey: { type: 'pkcs8', der: key } })).content).toEqual(content);
    const { carol } = pki.identities;
    expect(await decryptsTo(cms, carol.cert, carol.keyDer)).toBe(Buffer.from(content).toString());
  });

  it('refuses recipients and algorithms it cannot serve, before running openssl', async () => {
    const before = spawns('-encrypt');
    const to = (certificate: Uint8Array, cipher: ContentCipher = 'aes-256-gcm') => backend.encrypt({ content, recipients: [{ certificate }], cipher, keyTransport: 'rsa-pkcs1' });
    await expect(to(pssKey.cert)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    await expect(to(ed25519.cert)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    await expect(to(pki.identities.bob.cert, 'chacha20-poly1305')).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    // Read, never written: not even with the EC recipient that would send it to `openssl cms -encrypt`.
    for (const legacy of ['rc2-cbc', 'rc2-40-cbc', 'des-ede3-cbc'] as const) {
      await expect(to(pki.identities.bob.cert, legacy)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
      await expect(to(pki.identities.carol.cert, legacy)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    }
    await expect(backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-kem' as never })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KEY_TRANSPORT',
    });
    await expect(backend.encrypt({ content, recipients: [], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' })).rejects.toBeInstanceOf(TypeError);
    expect(spawns('-encrypt')).toBe(before);
  });
});

describe('decrypt', () => {
  const sealForBob = (cipher: ContentCipher = 'aes-256-gcm') => backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher, keyTransport: 'rsa-pkcs1' });

  it('ERR_NO_RECIPIENT is decided from the message, before openssl runs (key transport and key agreement)', async () => {
    const { alice, bob, carol } = pki.identities;
    const before = spawns('-decrypt');
    await expect(backend.decrypt({ cms: await sealForBob(), certificate: alice.cert, privateKey: pkcs8(alice.keyDer) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
    const forCarol = await backend.encrypt({ content, recipients: [{ certificate: carol.cert }, { certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    await expect(backend.decrypt({ cms: forCarol, certificate: p384.cert, privateKey: pkcs8(p384.keyDer) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
    expect(spawns('-decrypt')).toBe(before);
  });

  it('every failure once openssl runs is the same generic error', async () => {
    const { alice, bob } = pki.identities;
    // GCM: with CBC, the RFC 3218 random key passes the padding check about once in 256 tries.
    const cms = await sealForBob('aes-256-gcm');
    for (const privateKey of [pkcs8(alice.keyDer), { type: 'uri' as const, uri: join(scratch.dir, 'missing-key.pem') }]) {
      const error = await failureOf(backend.decrypt({ cms, certificate: bob.cert, privateKey }));
      expect(error).toMatchObject({ code: 'ERR_DECRYPTION_FAILED', message: 'decryption failed' });
      expect(error.cause).toBeUndefined();
      expect(error.detail).toBeUndefined();
    }
  });

  it('decrypts with a key URI', async () => {
    const { bob } = pki.identities;
    const text = Buffer.from((await backend.decrypt({ cms: await sealForBob(), certificate: bob.cert, privateKey: { type: 'uri', uri: `file:${bob.keyPath}` } })).content).toString();
    expect(text).toBe(Buffer.from(content).toString());
  });

  it('reads 3DES and RC2 without `openssl cms` or the legacy provider; typed errors for other CMS types', async () => {
    const bobRfc = {
      certificate: new Uint8Array(readFileSync(join(vectorsDir(), 'rfc4134', 'BobRSASignByCarl.cer'))),
      privateKey: pkcs8(new Uint8Array(readFileSync(join(vectorsDir(), 'rfc4134', 'BobPrivRSAEncrypt.pri')))),
    };
    const before = spawns('-decrypt');
    for (const name of ['5.1.bin', '5.2.bin']) {
      const cms = new Uint8Array(readFileSync(join(vectorsDir(), 'rfc4134', name)));
      expect(Buffer.from((await backend.decrypt({ cms, ...bobRfc })).content).toString()).toContain('This is some sample content.');
    }
    expect(spawns('-decrypt')).toBe(before);
    const signed = await backend.sign({ content, detached: false, signers: [{ certificate: pki.identities.bob.cert, privateKey: pkcs8(pki.identities.bob.keyDer), digest: 'sha-256' }] });
    // Another readable CMS type is unsupported here, the same code on every backend.
    await expect(backend.decrypt({ cms: signed, certificate: pki.identities.bob.cert, privateKey: pkcs8(pki.identities.bob.keyDer) })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
    await expect(backend.decrypt({ cms: Uint8Array.of(1, 2, 3), certificate: pki.identities.bob.cert, privateKey: pkcs8(pki.identities.bob.keyDer) })).rejects.toMatchObject({
      code: 'ERR_CMS_MALFORMED',
    });
  });
});
