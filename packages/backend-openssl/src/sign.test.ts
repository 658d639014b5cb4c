import { type BerNode, type PrivateKeyRef, type SignerInput, der, inspectCms, parseBer } from '@sealpost/core';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { ensureTestPki, opensslVerifyDer, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, type ExtraIdentity } from '../test-support/extra-keys.js';
import { invocations, makeScratch, recordingOpenssl } from '../test-support/fake-openssl.js';
import { isDer } from '../test-support/der-check.js';
import { createOpensslBackend, type OpensslBackend } from './index.js';

const scratch = makeScratch();
let pki: TestPki;
let backend: OpensslBackend;
let ed25519: ExtraIdentity;
let pssKey: ExtraIdentity;
let p521: ExtraIdentity;
const pkijs = createPkijsBackend();
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nsigned by openssl\r\n');

beforeAll(async () => {
  pki = await ensureTestPki();
  backend = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase });
  ed25519 = makeIdentity(scratch.dir, 'ed25519', 'ed@example.com');
  pssKey = makeIdentity(scratch.dir, 'rsa-pss', 'pss@example.com');
  p521 = makeIdentity(scratch.dir, 'ec-p521', 'p521@example.com');
});
afterAll(() => scratch.cleanup());

const pkcs8 = (der: Uint8Array): PrivateKeyRef => ({ type: 'pkcs8', der });
const as = (name: 'alice' | 'bob' | 'carol' | 'frank', extra: Partial<SignerInput> = {}): SignerInput => ({
  certificate: pki.identities[name].cert,
  privateKey: pkcs8(pki.identities[name].keyDer),
  digest: 'sha-256',
  ...extra,
});
const signCalls = () => invocations(scratch).filter((c) => c.argv[0] === 'pkeyutl' && c.argv[1] === '-sign');
const signSpawns = (): number => signCalls().length;
const containsBytes = (haystack: Uint8Array, needle: Uint8Array): boolean => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;

/** The SignerInfo SEQUENCEs of a SignedData. */
function signerInfos(cms: Uint8Array): readonly BerNode[] {
  const fields = parseBer(cms).children[1]!.children[0]!.children;
  return fields[fields.length - 1]!.children;
}

describe('sign', () => {
  it('writes DER SignedData: detached without eContent, opaque with it', async () => {
    for (const detached of [true, false]) {
      const cms = await backend.sign({ content, detached, signers: [as('alice')] });
      expect(isDer(parseBer(cms))).toBe(true);
      const summary = inspectCms(cms);
      if (summary.type !== 'signed-data') throw new Error('not signed-data');
      expect(summary.eContent === null ? null : Buffer.from(summary.eContent).toString()).toBe(detached ? null : Buffer.from(content).toString());
      expect(summary.signers).toHaveLength(1);
      expect(summary.signers[0]!.digest).toBe('sha-256');
      expect((await backend.verify({ cms, ...(detached ? { content } : {}) }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
    }
  });

  it('RSASSA-PSS carries RFC 4055 parameters (hash, MGF1 with the same hash, salt = hash length) that PKI.js accepts', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [as('alice', { digest: 'sha-384', scheme: 'rsa-pss' })] });
    const signatureAlgorithm = signerInfos(cms)[0]!.children[4]!;
    expect(Buffer.from(signatureAlgorithm.children[0]!.raw).equals(Buffer.from(der.oid('1.2.840.113549.1.1.10')))).toBe(true);
    expect(containsBytes(signatureAlgorithm.raw, der.oid('1.2.840.113549.1.1.8'))).toBe(true);
    expect(containsBytes(signatureAlgorithm.raw, der.explicit(2, der.integer(48)))).toBe(true);
    expect(containsBytes(signatureAlgorithm.raw, der.oid('2.16.840.1.101.3.4.2.2'))).toBe(true);
    expect((await pkijs.verify({ cms, content }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
  });

  it('signs ECDSA with P-256 and P-521 keys', async () => {
    const carol = await backend.sign({ content, detached: true, signers: [as('carol', { digest: 'sha-512' })] });
    expect(Buffer.from(signerInfos(carol)[0]!.children[4]!.children[0]!.raw).equals(Buffer.from(der.oid('1.2.840.10045.4.3.4')))).toBe(true);
    expect((await pkijs.verify({ cms: carol, content }))[0]!.signatureValid).toBe(true);
    const big = await backend.sign({ content, detached: true, signers: [{ certificate: p521.cert, privateKey: pkcs8(p521.keyDer), digest: 'sha-512' }] });
    expect((await backend.verify({ cms: big, content }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
  });

  it('an RSASSA-PSS key signs with rsa-pss by default and refuses rsa-pkcs1', async () => {
    const signer = { certificate: pssKey.cert, privateKey: pkcs8(pssKey.keyDer), digest: 'sha-256' as const };
    const cms = await backend.sign({ content, detached: true, signers: [signer] });
    expect(inspectCms(cms)).toMatchObject({ signers: [{ signatureScheme: 'rsa-pss' }] });
    expect((await backend.verify({ cms, content }))[0]!.signatureValid).toBe(true);
    await expect(backend.sign({ content, detached: true, signers: [{ ...signer, scheme: 'rsa-pkcs1' }] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
  });

  it('one pkeyutl process per signer, none for anything else; two digests in one SignedData', async () => {
    let before = signSpawns();
    const same = await backend.sign({ content, detached: true, signers: [as('alice'), as('carol')] });
    expect(signSpawns() - before).toBe(2);
    expect(invocations(scratch).filter((c) => c.argv[0] === 'cms' && c.argv[1] === '-sign')).toEqual([]);
    expect((await backend.verify({ cms: same, content })).map((c) => c.signatureValid)).toEqual([true, true]);

    before = signSpawns();
    const mixed = await backend.sign({ content, detached: false, signers: [as('alice', { scheme: 'rsa-pss' }), as('bob', { digest: 'sha-512' })], certificates: [pki.inter.cert] });
    expect(signSpawns() - before).toBe(2);
    expect(isDer(parseBer(mixed))).toBe(true);
    const summary = inspectCms(mixed);
    if (summary.type !== 'signed-data') throw new Error('not signed-data');
    expect(summary.signers.map((s) => s.digest).sort()).toEqual(['sha-256', 'sha-512']);
    expect(summary.certificates).toHaveLength(3);
    for (const checks of [await backend.verify({ cms: mixed }), await pkijs.verify({ cms: mixed })])
      expect(checks.map((c) => [c.signatureValid, c.messageDigestValid])).toEqual([
        [true, true],
        [true, true],
      ]);
  });

  it('the signing command carries the digest, and for PSS the padding, salt and MGF1 digest', async () => {
    await backend.sign({ content, detached: true, signers: [as('alice', { digest: 'sha-384', scheme: 'rsa-pss' })] });
    const argv = signCalls().at(-1)!.argv;
    expect(argv.slice(argv.indexOf('-pkeyopt'))).toEqual(['-pkeyopt', 'digest:sha384', '-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest', '-pkeyopt', 'rsa_mgf1_md:sha384']);
  });

  it('embeds extra certificates once, even when one is a signer certificate', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [as('frank')], certificates: [pki.inter.cert, pki.identities.frank.cert, pki.inter.cert] });
    const summary = inspectCms(cms);
    expect(summary.type === 'signed-data' && summary.certificates.length).toBe(2);
  });

  it('writes signingTime and SMIMECapabilities exactly as asked, and leaves them out when not asked', async () => {
    const signingTime = new Date('2031-02-03T04:05:06Z');
    const asked = inspectCms(await backend.sign({ content, detached: true, signers: [as('alice', { signingTime, smimeCapabilities: ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc'] })] }));
    if (asked.type !== 'signed-data') throw new Error('not signed-data');
    expect(asked.signers[0]!.signingTime?.toISOString()).toBe(signingTime.toISOString());
    expect(asked.signers[0]!.smimeCapabilities).toEqual(['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc']);

    const bare = inspectCms(await backend.sign({ content, detached: true, signers: [as('alice', { smimeCapabilities: [] })] }));
    if (bare.type !== 'signed-data') throw new Error('not signed-data');
    expect(bare.signers[0]!.signingTime).toBeNull();
    expect(bare.signers[0]!.smimeCapabilities).toEqual([]);
    expect(bare.signers[0]!.signedAttributes!.map((a) => a.type).sort()).toEqual(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4']);
  });

  it('RSA PKCS#1 v1.5: the same SignedData, byte for byte, as the PKI.js backend given the same inputs', async () => {
    const signingTime = new Date('2030-01-01T00:00:00Z');
    for (const detached of [true, false]) {
      const request = {
        content,
        detached,
        signers: [as('alice', { signingTime, smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] }), as('bob', { digest: 'sha-512', signingTime })],
        certificates: [pki.inter.cert],
      } as const;
      const ours = await backend.sign(request);
      const theirs = await pkijs.sign(request);
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
    }
  });

  it('PSS and ECDSA signatures verify with openssl cms -verify', async () => {
    const signingTime = new Date();
    for (const signer of [as('alice', { scheme: 'rsa-pss', signingTime }), as('bob', { scheme: 'rsa-pss', digest: 'sha-512' }), as('carol', { digest: 'sha-384', signingTime })]) {
      const cms = await backend.sign({ content, detached: true, signers: [signer] });
      const result = await opensslVerifyDer({ cms, content, caPath: pki.ca.certPath });
      expect(result, result.stderr).toMatchObject({ ok: true });
    }
  });

  it('a key URI whose key belongs to another certificate: ERR_KEY_MISMATCH, found by checking the signature', async () => {
    const signing = backend.sign({ content, detached: true, signers: [as('alice', { privateKey: { type: 'uri', uri: `file:${pki.identities.bob.keyPath}` } })] });
    await expect(signing).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
  });

  it('signs with Ed25519 (pkeyutl -sign -rawin over the signed attributes), which every backend verifies', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [{ certificate: ed25519.cert, privateKey: pkcs8(ed25519.keyDer), digest: 'sha-512' }] });
    expect(await backend.verify({ cms, content })).toMatchObject([{ signatureValid: true, messageDigestValid: true, error: null }]);
    await expect(backend.sign({ content, detached: true, signers: [{ certificate: ed25519.cert, privateKey: pkcs8(ed25519.keyDer), digest: 'sha-256' }] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_DIGEST',
    });
  });

  it('refuses, before running openssl: a key of another certificate, an unknown scheme, an unclaimed digest', async () => {
    const before = signSpawns();
    await expect(backend.sign({ content, detached: true, signers: [as('alice', { privateKey: pkcs8(pki.identities.bob.keyDer) })] })).rejects.toMatchObject({
      code: 'ERR_KEY_MISMATCH',
    });
    await expect(backend.sign({ content, detached: true, signers: [as('alice', { scheme: 'ecdsa' })] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [as('carol', { scheme: 'ed25519' })] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [as('alice', { digest: 'sha3-256' as never })] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.sign({ content, detached: true, signers: [as('alice', { certificate: Uint8Array.of(0x30, 0x00) })] })).rejects.toMatchObject({
      code: 'ERR_CERTIFICATE_MALFORMED',
    });
    await expect(backend.sign({ content, detached: true, signers: [] })).rejects.toBeInstanceOf(TypeError);
    expect(signSpawns()).toBe(before);
  });
});
