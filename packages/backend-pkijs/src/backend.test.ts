import { createHash } from 'node:crypto';
import { concatBytes, der } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../test-support/openssl-pki.js';
import { createPkijsBackend, PKIJS_CAPABILITIES } from './index.js';

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nbackend-level checks\r\n');
let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki?.cleanup());

/** A WebCrypto that logs every SubtleCrypto call as "method:algorithm" and can run a hook first. */
function recordingCrypto(log: string[], before?: (method: string) => void): Crypto {
  const real = globalThis.crypto.subtle;
  const subtle = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0];
        const algorithm = typeof first === 'string' ? first : (first as { name?: string } | undefined)?.name;
        log.push(`${String(prop)}:${algorithm ?? '?'}`);
        before?.(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { subtle, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto), randomUUID: globalThis.crypto.randomUUID.bind(globalThis.crypto) } as Crypto;
}

describe('createPkijsBackend', () => {
  const backend = createPkijsBackend();

  it('names itself and states its capabilities as plain data', () => {
    expect(backend.name).toBe('pkijs');
    expect(backend.capabilities).toBe(PKIJS_CAPABILITIES);
    expect(JSON.parse(JSON.stringify(backend.capabilities))).toEqual({
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
    expect(Object.isFrozen(backend.capabilities)).toBe(true);
  });

  it('computes digests through WebCrypto; MD5 and SHA-224 are unsupported', async () => {
    for (const [algorithm, node] of [
      ['sha-1', 'sha1'],
      ['sha-256', 'sha256'],
      ['sha-384', 'sha384'],
      ['sha-512', 'sha512'],
    ] as const) {
      expect(Buffer.from(await backend.digest({ algorithm, data: content })).toString('hex')).toBe(createHash(node).update(content).digest('hex'));
    }
    await expect(backend.digest({ algorithm: 'md5', data: content })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.digest({ algorithm: 'sha-224', data: content })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
  });

  it('verifies certificate signatures: RSA PKCS#1, RSASSA-PSS, ECDSA', async () => {
    const check = (certificate: Uint8Array, issuer: Uint8Array) => backend.verifyCertificateSignature({ certificate, issuer });
    expect(await check(pki.alice.cert, pki.ca.cert)).toBe(true);
    expect(await check(pki.carol.cert, pki.ca.cert)).toBe(true);
    expect(await check(pki.pssSigned.cert, pki.ca.cert)).toBe(true);
    expect(await check(pki.ecSigned.cert, pki.ecCa.cert)).toBe(true);
    expect(await check(pki.ecCa.cert, pki.ecCa.cert)).toBe(true);
    // Wrong issuer of the same key type, and of the other key type (algorithm/key mismatch).
    expect(await check(pki.alice.cert, pki.bob.cert)).toBe(false);
    expect(await check(pki.alice.cert, pki.ecCa.cert)).toBe(false);
    expect(await check(pki.ecSigned.cert, pki.ca.cert)).toBe(false);
  });

  it('a certificate altered after signing no longer verifies', async () => {
    const root = kit.decodeElement(pki.alice.cert) as kit.Node;
    const tbs = kit.childrenOf(root)?.[0] as kit.Node;
    // The last octet of TBSCertificate is inside the last extension's value: the DER stays readable.
    const tbsEnd = tbs.raw.byteOffset - root.raw.byteOffset + tbs.raw.length - 1;
    const altered = pki.alice.cert.slice();
    altered[tbsEnd] = (altered[tbsEnd] ?? 0) ^ 0x01;
    expect(await backend.verifyCertificateSignature({ certificate: altered, issuer: pki.ca.cert })).toBe(false);
    await expect(backend.verifyCertificateSignature({ certificate: new Uint8Array([0x30, 0x00]), issuer: pki.ca.cert })).rejects.toMatchObject({
      code: 'ERR_CERTIFICATE_MALFORMED',
    });
  });

  it('an ECDSA certificate signature with octets after its DER does not verify, as on the other backends', async () => {
    const [tbs, algorithm, signature] = kit.childrenOf(kit.decodeElement(pki.ecSigned.cert) ?? undefined) ?? [];
    const value = kit.bitStringBytes(signature);
    if (tbs === undefined || algorithm === undefined || value === null) throw new Error('test certificate unreadable');
    const padded = der.sequence(tbs.raw, algorithm.raw, der.bitString(concatBytes(value, Uint8Array.of(0, 0))));
    expect(await backend.verifyCertificateSignature({ certificate: pki.ecSigned.cert, issuer: pki.ecCa.cert })).toBe(true);
    expect(await backend.verifyCertificateSignature({ certificate: padded, issuer: pki.ecCa.cert })).toBe(false);
  });
});

describe('explicit wiring, no global state', () => {
  it('uses the WebCrypto passed in options.crypto', async () => {
    const log: string[] = [];
    const backend = createPkijsBackend({ crypto: recordingCrypto(log) });
    const cms = await backend.sign({ content, detached: true, signers: [{ certificate: pki.carol.cert, privateKey: { type: 'pkcs8', der: pki.carol.key }, digest: 'sha-256' }] });
    expect(log).toContain('sign:ECDSA');
    expect(log).toContain('digest:SHA-256');
    log.length = 0;
    await backend.verify({ cms, content });
    expect(log).toContain('verify:ECDSA');
  });

  it('refuses to start without WebCrypto', () => {
    expect(() => createPkijsBackend({ crypto: {} as Crypto })).toThrow(TypeError);
  });
});

describe('RFC 3218: a bad PKCS#1 v1.5 block still leads to content decryption', () => {
  it('attempts AES with a substitute key and fails with the generic error', async () => {
    const plain = createPkijsBackend();
    const cms = await plain.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    const log: string[] = [];
    const backend = createPkijsBackend({ crypto: recordingCrypto(log) });
    // Decrypting with Bob's key yields a block that is not a valid encoding.
    await expect(backend.decrypt({ cms, certificate: pki.alice.cert, privateKey: { type: 'pkcs8', der: pki.bob.key } })).rejects.toMatchObject({
      code: 'ERR_DECRYPTION_FAILED',
    });
    expect(log).toContain('decrypt:AES-GCM');
    log.length = 0;
    expect((await backend.decrypt({ cms, certificate: pki.alice.cert, privateKey: { type: 'pkcs8', der: pki.alice.key } })).content).toEqual(content);
    expect(log).toContain('decrypt:AES-GCM');
  });
});

describe('AbortSignal', () => {
  const aborted = AbortSignal.abort();

  it('an aborted signal stops every operation before it starts', async () => {
    const backend = createPkijsBackend();
    const id = { certificate: pki.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.alice.key } };
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    const calls: Array<Promise<unknown>> = [
      backend.sign({ content, detached: true, signers: [{ ...id, digest: 'sha-256' }], signal: aborted }),
      backend.verify({ cms, signal: aborted }),
      backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep', signal: aborted }),
      backend.decrypt({ cms, ...id, signal: aborted }),
      backend.digest({ algorithm: 'sha-256', data: content, signal: aborted }),
      backend.verifyCertificateSignature({ certificate: pki.alice.cert, issuer: pki.ca.cert, signal: aborted }),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('an abort during the work is noticed at the next step', async () => {
    const controller = new AbortController();
    const backend = createPkijsBackend({ crypto: recordingCrypto([], (method) => method === 'digest' && controller.abort()) });
    const id = { certificate: pki.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.alice.key } };
    await expect(backend.sign({ content, detached: true, signers: [{ ...id, digest: 'sha-256' }], signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
  });

  it('an encryption stopped after the key wrap leaves the content key wiped', async () => {
    const controller = new AbortController();
    const crypto = recordingCrypto([], (method) => method === 'encrypt' && controller.abort());
    // The first random octets an encryption draws are its content-encryption key.
    const drawn: Uint8Array[] = [];
    const getRandomValues: Crypto['getRandomValues'] = (array) => {
      if (array instanceof Uint8Array) drawn.push(array);
      return crypto.getRandomValues(array);
    };
    const backend = createPkijsBackend({ crypto: { ...crypto, getRandomValues } });
    const encrypting = backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep', signal: controller.signal });
    await expect(encrypting).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(drawn[0]?.length).toBe(32);
    expect(drawn[0]).toEqual(new Uint8Array(32));
  });
});
