import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPkijsBackend } from './backend.js';

// RFC 4134 "Examples of S/MIME Messages": legacy algorithms (DSA, SHA-1, 3DES, RC2), read here to
// prove parsing; what this backend cannot check is a per-signer error, never a crash.
// The vendored RFC 4134 vectors (tooling/fixtures/vectors).
const vectorsDir = join(import.meta.dirname, '..', '..', '..', 'tooling', 'fixtures', 'vectors', 'rfc4134');
const read = (name: string) => new Uint8Array(readFileSync(join(vectorsDir, name)));

const backend = createPkijsBackend();
const content = read('ExContent.bin');
const dsaUnsupported = { signatureValid: false, error: { code: 'ERR_UNSUPPORTED_SIGNATURE' } };

describe('RFC 4134 signed-data', () => {
  it('4.2: RSA with SHA-1, no signed attributes, content inside', async () => {
    expect(await backend.verify({ cms: read('4.2.bin') })).toEqual([{ index: 0, certificate: read('AliceRSASignByCarl.cer'), signatureValid: true, messageDigestValid: null, error: null }]);
    const other = await backend.verify({ cms: read('4.2.bin'), content: new TextEncoder().encode('This is some other content.') });
    expect(other[0]).toMatchObject({ signatureValid: false, messageDigestValid: null, error: null });
  });

  it('4.5: RSA with the root certificate included', async () => {
    expect(await backend.verify({ cms: read('4.5.bin') })).toEqual([{ index: 0, certificate: read('AliceRSASignByCarl.cer'), signatureValid: true, messageDigestValid: null, error: null }]);
  });

  it('4.1 and 4.3 (detached): DSA is reported per signer, the certificate still found', async () => {
    for (const [name, request] of [
      ['4.1.bin', {}],
      ['4.3.bin', { content }],
    ] as const) {
      const checks = await backend.verify({ cms: read(name), ...request });
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({ ...dsaUnsupported, certificate: read('AliceDSSSignByCarlNoInherit.cer'), messageDigestValid: null });
    }
  });

  it('4.4 and 4.10: DSA with signed attributes; the messageDigest is still checked', async () => {
    for (const name of ['4.4.bin', '4.10.bin']) {
      const checks = await backend.verify({ cms: read(name) });
      expect(checks[0]).toMatchObject({ ...dsaUnsupported, messageDigestValid: true });
    }
  });

  it('4.6: two signers, in order, each with its certificate', async () => {
    const checks = await backend.verify({ cms: read('4.6.bin') });
    expect(checks.map((c) => c.index)).toEqual([0, 1]);
    expect(checks[0]).toMatchObject({ ...dsaUnsupported, certificate: read('AliceDSSSignByCarlNoInherit.cer') });
    expect(checks[1]).toMatchObject({ ...dsaUnsupported, certificate: read('DianeDSSSignByCarlInherit.cer') });
  });

  it('4.7: the signer identified by subjectKeyIdentifier is found', async () => {
    const checks = await backend.verify({ cms: read('4.7.bin') });
    expect(checks[0]).toMatchObject({ ...dsaUnsupported, certificate: read('AliceDSSSignByCarlNoInherit.cer') });
  });

  it('4.11: certificates only, no signers', async () => {
    expect(await backend.verify({ cms: read('4.11.bin') })).toEqual([]);
  });

  it('other content types are not SignedData', async () => {
    for (const name of ['3.1.bin', '6.0.bin', '7.1.bin']) await expect(backend.verify({ cms: read(name) })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
  });
});

describe('RFC 4134 enveloped-data', () => {
  const bob = { certificate: read('BobRSASignByCarl.cer'), privateKey: { type: 'pkcs8' as const, der: read('BobPrivRSAEncrypt.pri') } };
  it("5.1 (3DES) and 5.2 (RC2/40) decrypt with core's legacy ciphers (WebCrypto has neither)", async () => {
    for (const name of ['5.1.bin', '5.2.bin']) expect(new TextDecoder().decode((await backend.decrypt({ cms: read(name), ...bob })).content)).toContain('This is some sample content.');
  });
});

describe('RFC 4134 certificates', () => {
  it('RSA certificate signatures verify against the right issuer only; DSA is unsupported', async () => {
    expect(await backend.verifyCertificateSignature({ certificate: read('AliceRSASignByCarl.cer'), issuer: read('CarlRSASelf.cer') })).toBe(true);
    expect(await backend.verifyCertificateSignature({ certificate: read('CarlRSASelf.cer'), issuer: read('CarlRSASelf.cer') })).toBe(true);
    expect(await backend.verifyCertificateSignature({ certificate: read('AliceRSASignByCarl.cer'), issuer: read('BobRSASignByCarl.cer') })).toBe(false);
    await expect(backend.verifyCertificateSignature({ certificate: read('AliceDSSSignByCarlNoInherit.cer'), issuer: read('CarlDSSSelf.cer') })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_SIGNATURE',
    });
  });
});
