import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { craftSignedData } from '@sealpost/conformance';
import { parseBer } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { craftSigned, UNSUPPORTED_OIDS } from '../test-support/craft.js';
import { invocations, makeScratch, recordingOpenssl } from '../test-support/fake-openssl.js';
import { createOpensslBackend, type OpensslBackend } from './index.js';

const scratch = makeScratch();
let pki: TestPki;
let backend: OpensslBackend;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay 100 EUR to account 1234.\r\n');
const other = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay 900 EUR to account 6666.\r\n');

beforeAll(async () => {
  pki = await ensureTestPki();
  backend = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase });
});
afterAll(() => scratch.cleanup());

const signer = (name: 'alice' | 'bob' | 'mallory') => ({ certificate: pki.identities[name].cert, privateKey: pki.identities[name].keyDer });

describe('verify: facts per SignerInfo', () => {
  it('judges each signer on its own, in-process: no openssl process at all', async () => {
    const cms = craftSignedData({ content, includeContent: false, signers: [signer('alice'), { ...signer('bob'), corruptSignature: true }, signer('mallory')] });
    const before = invocations(scratch).length;
    const checks = await backend.verify({ cms, content });
    expect(invocations(scratch).length - before).toBe(0);
    expect(checks.map((c) => [c.index, c.signatureValid, c.messageDigestValid, c.error])).toEqual([
      [0, true, true, null],
      [1, false, true, null],
      [2, true, true, null],
    ]);
    expect(checks.map((c) => Buffer.from(c.certificate!).equals(Buffer.from(pki.identities[(['alice', 'bob', 'mallory'] as const)[c.index]!].cert)))).toEqual([true, true, true]);
  });

  it('separates the signature from the digest: other content keeps a valid signature and a false messageDigest', async () => {
    const cms = craftSignedData({ content, includeContent: false, signers: [signer('alice')] });
    expect(await backend.verify({ cms, content: other })).toEqual([{ index: 0, certificate: pki.identities.alice.cert, signatureValid: true, messageDigestValid: false, error: null }]);
    const wrongAttribute = craftSignedData({ content, includeContent: true, signers: [{ ...signer('alice'), messageDigest: new Uint8Array(32).fill(7) }] });
    expect((await backend.verify({ cms: wrongAttribute }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: false });
  });

  it('verifies the content it is given, not the eContent', async () => {
    const opaque = craftSignedData({ content, includeContent: true, signers: [signer('alice')] });
    expect((await backend.verify({ cms: opaque }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
    expect((await backend.verify({ cms: opaque, content: other }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: false });
  });

  it('without signed attributes the signature covers the content and messageDigestValid is null', async () => {
    const cms = craftSignedData({ content, includeContent: false, signers: [{ ...signer('alice'), noSignedAttributes: true }] });
    expect((await backend.verify({ cms, content }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: null, error: null });
    expect((await backend.verify({ cms, content: other }))[0]).toMatchObject({ signatureValid: false, messageDigestValid: null, error: null });
  });

  it('finds the signer certificate among the caller-given ones, or reports none', async () => {
    const cms = craftSigned(content, [{ ...signer('alice') }], false);
    expect((await backend.verify({ cms, certificates: [pki.identities.bob.cert, pki.identities.alice.cert] }))[0]).toMatchObject({
      certificate: pki.identities.alice.cert,
      signatureValid: true,
      messageDigestValid: true,
    });
    expect(await backend.verify({ cms, certificates: [pki.identities.bob.cert] })).toEqual([{ index: 0, certificate: null, signatureValid: false, messageDigestValid: true, error: null }]);
  });

  it('identifies a signer by subjectKeyIdentifier, crafted and as openssl -keyid writes it', async () => {
    const crafted = craftSigned(content, [{ ...signer('alice'), bySubjectKeyId: true }]);
    expect((await backend.verify({ cms: crafted }))[0]).toMatchObject({ certificate: pki.identities.alice.cert, signatureValid: true });
    const out = join(scratch.dir, 'keyid.p7s');
    const input = join(scratch.dir, 'keyid.txt');
    execFileSync('sh', ['-c', `printf 'keyid' > ${input}`]);
    execFileSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-keyid',
      '-nodetach',
      '-in',
      input,
      '-signer',
      pki.identities.bob.certPath,
      '-inkey',
      pki.identities.bob.keyPath,
      '-outform',
      'DER',
      '-out',
      out,
    ]);
    const byKeyId = new Uint8Array(readFileSync(out));
    expect((await backend.verify({ cms: byKeyId }))[0]).toMatchObject({ certificate: pki.identities.bob.cert, signatureValid: true, messageDigestValid: true });
  });

  it('an algorithm it does not support is a per-signer error, not a throw', async () => {
    const cms = craftSigned(content, [{ ...signer('alice'), digestOid: UNSUPPORTED_OIDS.sha3_256 }, { ...signer('bob'), signatureOid: UNSUPPORTED_OIDS.dsaWithSha256 }, signer('alice')]);
    const checks = await backend.verify({ cms });
    const byDigest = checks.find((c) => c.error?.code === 'ERR_UNSUPPORTED_DIGEST');
    const bySignature = checks.find((c) => c.error?.code === 'ERR_UNSUPPORTED_SIGNATURE');
    expect(byDigest).toMatchObject({ signatureValid: false, messageDigestValid: false });
    expect(bySignature).toMatchObject({ signatureValid: false, certificate: pki.identities.bob.cert });
    expect(checks.filter((c) => c.signatureValid)).toHaveLength(1);
  });

  it('checks the signature over the signed attributes exactly as received, in DER order or not', async () => {
    // As `openssl cms -verify` and the other backends do: the signer signed these bytes, not a re-encoding.
    const cms = craftSigned(content, [{ ...signer('alice'), unsortedAttributes: true }]);
    expect((await backend.verify({ cms }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
    expect((await backend.verify({ cms: craftSigned(content, [signer('alice')]) }))[0]).toMatchObject({ signatureValid: true, error: null });
  });

  it('reads BER: an indefinite-length ContentInfo', async () => {
    const cms = craftSignedData({ content, includeContent: true, signers: [signer('alice')] });
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), Buffer.from(parseBer(cms).contents), Buffer.from([0, 0])]);
    expect((await backend.verify({ cms: new Uint8Array(ber) }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
  });

  it('throws ERR_CMS_MALFORMED for garbage, ERR_UNSUPPORTED_CMS for other content types, ERR_INVALID_ARGUMENT for missing detached content', async () => {
    await expect(backend.verify({ cms: Uint8Array.of(0x30, 0x82, 0xff, 0xff, 1, 2, 3) })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    await expect(backend.verify({ cms: sealed })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
    const detached = craftSignedData({ content, includeContent: false, signers: [signer('alice')] });
    await expect(backend.verify({ cms: detached })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(backend.verify({ cms: detached, content, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });
});
