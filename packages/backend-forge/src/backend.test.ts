import { createHash } from 'node:crypto';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editDer, replaceAt } from '@sealpost/conformance';
import { makeExtraPki, type ExtraPki } from '../test-support/extra-pki.js';
import { createForgeBackend, FORGE_CAPABILITIES } from './index.js';

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nbackend-level checks\r\n');
let pki: TestPki;
let extra: ExtraPki;

beforeAll(async () => {
  pki = await ensureTestPki();
  extra = makeExtraPki(pki.ca);
});
afterAll(() => extra?.cleanup());

describe('createForgeBackend', () => {
  const backend = createForgeBackend();

  it('names itself and states its capabilities as frozen plain data', () => {
    expect(backend.name).toBe('forge');
    expect(backend.capabilities).toBe(FORGE_CAPABILITIES);
    expect(FORGE_CAPABILITIES).toEqual({
      digests: ['sha-1', 'sha-256', 'sha-384', 'sha-512'],
      signatureSchemes: ['rsa-pkcs1', 'rsa-pss', 'ecdsa', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'],
      contentCiphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'des-ede3-cbc', 'rc2-cbc'],
      keyTransport: ['rsa-pkcs1', 'rsa-oaep'],
      keyAgreement: ['ecdh-p256', 'ecdh-p384', 'ecdh-p521', 'x25519'],
      kem: ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'],
      keyTypes: ['rsa', 'ec-p256', 'ec-p384', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87', 'ml-kem-512', 'ml-kem-768', 'ml-kem-1024'],
      runtimes: ['node', 'browser', 'worker', 'deno', 'bun'],
      keyUris: false,
    });
    expect(Object.isFrozen(FORGE_CAPABILITIES) && Object.isFrozen(FORGE_CAPABILITIES.digests) && Object.isFrozen(backend)).toBe(true);
  });

  it('computes digests with node-forge; MD5 and SHA-224 are unsupported', async () => {
    const large = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    for (const [algorithm, node] of [
      ['sha-1', 'sha1'],
      ['sha-256', 'sha256'],
      ['sha-384', 'sha384'],
      ['sha-512', 'sha512'],
    ] as const) {
      for (const data of [new Uint8Array(0), content, large]) {
        expect(await backend.digest({ algorithm, data })).toEqual(new Uint8Array(createHash(node).update(data).digest()));
      }
    }
    for (const algorithm of ['md5', 'sha-224'] as const) await expect(backend.digest({ algorithm, data: content })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.digest({ algorithm: 'sha-256', data: 'text' as unknown as Uint8Array })).rejects.toThrow(TypeError);
  });

  it('verifies certificate signatures: RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, and rejects the wrong issuer', async () => {
    const { alice, carol, frank } = pki.identities;
    const check = (certificate: Uint8Array, issuer: Uint8Array) => backend.verifyCertificateSignature({ certificate, issuer });
    expect(await check(alice.cert, pki.ca.cert)).toBe(true);
    expect(await check(carol.cert, pki.ca.cert)).toBe(true);
    expect(await check(frank.cert, pki.inter.cert)).toBe(true);
    expect(await check(pki.inter.cert, pki.ca.cert)).toBe(true);
    expect(await check(pki.ca.cert, pki.ca.cert)).toBe(true);
    expect(await check(extra.pssSigned.cert, pki.ca.cert)).toBe(true);
    expect(await check(extra.p384.cert, pki.ca.cert)).toBe(true);
    expect(await check(extra.ecSigned.cert, extra.ecCa.cert)).toBe(true);
    expect(await check(extra.ecCa.cert, extra.ecCa.cert)).toBe(true);
    // The wrong issuer: another RSA key, an EC key for an RSA signature, an RSA key for an ECDSA one.
    expect(await check(alice.cert, pki.inter.cert)).toBe(false);
    expect(await check(alice.cert, extra.ecCa.cert)).toBe(false);
    expect(await check(extra.ecSigned.cert, pki.ca.cert)).toBe(false);
    expect(await check(extra.pssSigned.cert, pki.untrustedCa.cert)).toBe(false);
  });

  it('a certificate altered after signing no longer verifies; an inner and outer algorithm that differ never do', async () => {
    const alice = pki.identities.alice;
    // [0] TBSCertificate, then its [1] serialNumber (after the [0] version).
    const altered = editDer(alice.cert, (node, path) => (path.join('.') === '0.1' ? Uint8Array.from([...node.raw.subarray(0, -1), node.raw.at(-1)! ^ 1]) : undefined));
    expect(altered).not.toEqual(alice.cert);
    expect(await backend.verifyCertificateSignature({ certificate: altered, issuer: pki.ca.cert })).toBe(false);
    // sha256WithRSAEncryption outside with its parameters left out: the same OID, different bytes (RFC 5280 4.1.1.2).
    const sha256WithoutNull = Uint8Array.from([0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);
    expect(await backend.verifyCertificateSignature({ certificate: replaceAt(alice.cert, [1], sha256WithoutNull), issuer: pki.ca.cert })).toBe(false);
    // Another OID outside is a certificate core itself refuses to read.
    const sha384 = Uint8Array.from([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00]);
    await expect(backend.verifyCertificateSignature({ certificate: replaceAt(alice.cert, [1], sha384), issuer: pki.ca.cert })).rejects.toMatchObject({
      code: 'ERR_CERTIFICATE_MALFORMED',
    });
    await expect(backend.verifyCertificateSignature({ certificate: Uint8Array.of(0x30, 0x00), issuer: pki.ca.cert })).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_MALFORMED' });
    await expect(backend.verifyCertificateSignature({ certificate: alice.cert, issuer: new Uint8Array(10) })).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_MALFORMED' });
  });
});

describe('options: the random source', () => {
  it('draws content keys, IVs and padding from options.random', async () => {
    const lengths: number[] = [];
    const backend = createForgeBackend({
      random: (length) => {
        lengths.push(length);
        return new Uint8Array(length).map((_, i) => (i % 255) + 1);
      },
    });
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.identities.alice.cert }], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' });
    // The content key, the PKCS#1 v1.5 padding string (256 - 32 - 3 octets), the IV.
    expect(lengths).toEqual([32, 221, 16]);
    expect((await backend.decrypt({ cms, certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8', der: pki.identities.alice.keyDer } })).content).toEqual(content);
  });

  it('refuses a random source that is not a function or answers with the wrong length', async () => {
    expect(() => createForgeBackend({ random: 42 as unknown as () => Uint8Array })).toThrow(TypeError);
    const short = createForgeBackend({ random: (length) => new Uint8Array(Math.max(0, length - 1)) });
    await expect(short.encrypt({ content, recipients: [{ certificate: pki.identities.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' })).rejects.toThrow(TypeError);
  });
});

describe('AbortSignal', () => {
  const aborted = AbortSignal.abort();

  it('an aborted signal stops every operation before it starts', async () => {
    const backend = createForgeBackend();
    const id = { certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.identities.alice.keyDer } };
    const cms = await backend.encrypt({ content, recipients: [{ certificate: id.certificate }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    const signed = await backend.sign({ content, detached: false, signers: [{ ...id, digest: 'sha-256' }] });
    const calls: Array<Promise<unknown>> = [
      backend.sign({ content, detached: true, signers: [{ ...id, digest: 'sha-256' }], signal: aborted }),
      backend.verify({ cms: signed, signal: aborted }),
      backend.encrypt({ content, recipients: [{ certificate: id.certificate }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep', signal: aborted }),
      backend.decrypt({ cms, ...id, signal: aborted }),
      backend.digest({ algorithm: 'sha-256', data: content, signal: aborted }),
      backend.verifyCertificateSignature({ certificate: id.certificate, issuer: pki.ca.cert, signal: aborted }),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('an abort during the work is noticed at the next step', async () => {
    const alice = pki.identities.alice;
    // The random source runs in the middle of each operation: it stands in for a caller aborting then.
    const abortingBackend = (controller: AbortController) =>
      createForgeBackend({
        random: (length) => {
          controller.abort();
          return new Uint8Array(length).fill(1);
        },
      });
    const encrypting = new AbortController();
    await expect(
      abortingBackend(encrypting).encrypt({ content, recipients: [{ certificate: alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1', signal: encrypting.signal }),
    ).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    const signing = new AbortController();
    const signer = { certificate: alice.cert, privateKey: { type: 'pkcs8' as const, der: alice.keyDer }, digest: 'sha-256' as const, scheme: 'rsa-pss' as const };
    await expect(abortingBackend(signing).sign({ content, detached: true, signers: [signer], signal: signing.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    // Control: the same work with a signal nobody aborts completes.
    await expect(abortingBackend(new AbortController()).sign({ content, detached: true, signers: [signer], signal: new AbortController().signal })).resolves.toBeInstanceOf(Uint8Array);
  });

  it('an encryption stopped after the key wrap leaves the content key wiped', async () => {
    const controller = new AbortController();
    // The first octets drawn are the content key; the second draw is the OAEP seed, inside the wrap.
    const drawn: Uint8Array[] = [];
    const backend = createForgeBackend({
      random: (length) => {
        if (drawn.length === 1) controller.abort();
        const bytes = new Uint8Array(length).fill(1);
        drawn.push(bytes);
        return bytes;
      },
    });
    const encrypting = backend.encrypt({ content, recipients: [{ certificate: pki.identities.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep', signal: controller.signal });
    await expect(encrypting).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(drawn.map((d) => d.length)).toEqual([32, 32]);
    expect(drawn[0]).toEqual(new Uint8Array(32));
  });
});
