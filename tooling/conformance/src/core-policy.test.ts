import { X509Certificate, createHash } from 'node:crypto';
import { type CryptoBackend, OID, createSealpost, parseCertificate } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { craftSignedData } from './craft.js';
import { detachedSignedMessage, textEntity } from './messages.js';

/**
 * A backend that calls every signature and digest good. Core must still reach the right verdict on
 * everything it can see for itself: structure, policy, chain, addresses. This is what protects users
 * from a backend library that is lax about a rule.
 */
function credulousBackend(): CryptoBackend {
  return {
    name: 'credulous',
    capabilities: {
      digests: ['sha-1', 'sha-256'],
      signatureSchemes: ['rsa-pkcs1'],
      contentCiphers: [],
      keyTransport: [],
      keyAgreement: [],
      keyTypes: ['rsa'],
      runtimes: ['node'],
      keyUris: false,
    },
    sign: () => Promise.reject(new Error('not used')),
    encrypt: () => Promise.reject(new Error('not used')),
    decrypt: () => Promise.reject(new Error('not used')),
    async verify({ cms }) {
      const { inspectCms } = await import('@sealpost/core');
      const sd = inspectCms(cms);
      if (sd.type !== 'signed-data') throw new Error('not signed-data');
      return sd.signers.map((s, index) => ({
        index,
        certificate: sd.certificates.find((c) => s.sid.type === 'issuerAndSerialNumber' && parseCertificate(c).serial === s.sid.serial) ?? null,
        signatureValid: true,
        messageDigestValid: true,
        error: null,
      }));
    },
    async verifyCertificateSignature({ certificate, issuer }) {
      return new X509Certificate(Buffer.from(certificate)).verify(new X509Certificate(Buffer.from(issuer)).publicKey);
    },
    async digest({ algorithm, data }) {
      return new Uint8Array(createHash(algorithm.replace('-', '')).update(data).digest());
    },
  };
}

describe('core decides verdicts even when a backend is lax', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await ensureTestPki();
  });
  const verify = (message: Uint8Array) => createSealpost({ backend: credulousBackend() }).verify(message, { trustAnchors: [pki.ca.cert] });
  const entity = () => textEntity('Pay 100 EUR.\r\n');
  const signer = () => ({ certificate: pki.identities.alice.cert, privateKey: pki.identities.alice.keyDer });

  it('control: a sound message is valid', async () => {
    const cms = craftSignedData({ content: entity(), includeContent: false, signers: [signer()] });
    expect((await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms))).status).toBe('valid');
  });

  it.each([
    ['contentType attribute differs from eContentType', { contentTypeAttrs: [OID.signedData] }, 'ERR_CONTENT_TYPE_ATTRIBUTE'],
    ['contentType attribute missing', { contentTypeAttrs: [] }, 'ERR_CONTENT_TYPE_ATTRIBUTE'],
    ['SHA-1 digest', { digest: 'sha-1' as const }, 'ERR_WEAK_DIGEST'],
  ])('%s: invalid', async (_name, override, code) => {
    const cms = craftSignedData({ content: entity(), includeContent: false, signers: [{ ...signer(), ...override }] });
    const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain(code);
  });

  it('eContent in a detached signature: invalid', async () => {
    const cms = craftSignedData({ content: entity(), includeContent: true, signers: [signer()] });
    const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain('ERR_DETACHED_WITH_CONTENT');
  });

  it('no signers: invalid', async () => {
    const cms = craftSignedData({ content: entity(), includeContent: false, signers: [], certificates: [pki.identities.alice.cert] });
    const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain('ERR_NO_SIGNERS');
  });

  it('From mismatch and untrusted chains are decided by core', async () => {
    const cms = craftSignedData({ content: entity(), includeContent: false, signers: [signer()] });
    const spoofed = await verify(detachedSignedMessage({ from: 'bob@example.com' }, entity(), cms));
    expect(spoofed.status).toBe('invalid');
    expect(spoofed.errors.map((e) => e.code)).toContain('ERR_FROM_MISMATCH');
    const mallory = pki.identities.mallory;
    const untrusted = craftSignedData({ content: entity(), includeContent: false, signers: [{ certificate: mallory.cert, privateKey: mallory.keyDer }] });
    expect((await verify(detachedSignedMessage({ from: mallory.email }, entity(), untrusted))).status).toBe('untrusted');
  });
});
