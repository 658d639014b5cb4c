import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { opensslDecryptDer, opensslEncryptDer, opensslSignDer, opensslVerifyDer, pemBlocksToDer, vectorsDir, type CmsCipher, type OaepChoice } from '@sealpost/fixtures';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { detachedSignedMessage, envelopedMessage, opaqueSignedMessage, textEntity, textMessage } from './messages.js';
import { cmsOf } from './tamper.js';

const vector = (...path: string[]): Uint8Array => new Uint8Array(readFileSync(join(vectorsDir(), ...path)));
const pkcs8FromPem = (path: string): Uint8Array => new Uint8Array(createPrivateKey(readFileSync(join(vectorsDir(), path), 'utf8')).export({ format: 'der', type: 'pkcs8' }));
const certFromPem = (path: string): Uint8Array => pemBlocksToDer(readFileSync(join(vectorsDir(), path), 'utf8'), 'CERTIFICATE')[0]!;

export function vectorTests(ctx: SuiteContext): void {
  describe('RFC 4134 vectors (legacy reading and default refusal)', () => {
    const carl = () => vector('rfc4134', 'CarlRSASelf.cer');
    const example42 = () => opaqueSignedMessage({ from: 'AliceRSA@example.com' }, vector('rfc4134', '4.2.bin'));

    it('4.2 (RSA, SHA-1, 1024-bit key) is refused by the default policy', async () => {
      const report = await ctx.sp.verify(example42(), { trustAnchors: [carl()] });
      expect(report.status).toBe('invalid');
      expect(codes(report)).toEqual(expect.arrayContaining(['ERR_WEAK_DIGEST', 'ERR_WEAK_KEY']));
    });

    it('4.2 reads under the legacy policy when the backend has SHA-1', async () => {
      const report = await ctx.sp.verify(example42(), { trustAnchors: [carl()], policy: { legacy: true } });
      if (ctx.backend.capabilities.digests.includes('sha-1')) {
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('valid');
        expect(new TextDecoder().decode(report.content)).toBe('This is some sample content.');
      } else {
        expect(codes(report).some((c) => c.startsWith('ERR_UNSUPPORTED_'))).toBe(true);
      }
    });

    it('4.2 is untrusted without its root', async () => {
      const report = await ctx.sp.verify(example42(), { trustAnchors: ctx.anchors, policy: { legacy: true } });
      expect(report.status).not.toBe('valid');
      expect(codes(report)).toContain('ERR_CHAIN_UNTRUSTED');
    });

    // 5.2 is headed "RC2/128", but its text and its bytes are RC2/40 (rc2ParameterVersion 160, a 5-octet key).
    for (const [file, cipher] of [
      ['5.1.bin', 'des-ede3-cbc'],
      ['5.2.bin', 'rc2-40-cbc'],
    ] as const) {
      it(`${file} (${cipher}) decrypts under the legacy policy if claimed, else fails with a typed unsupported error`, async () => {
        const bob = { certificate: vector('rfc4134', 'BobRSASignByCarl.cer'), privateKey: { type: 'pkcs8' as const, der: vector('rfc4134', 'BobPrivRSAEncrypt.pri') } };
        const message = envelopedMessage({ from: 'AliceRSA@example.com' }, vector('rfc4134', file));
        const refused = await ctx.sp.decrypt(message, { identity: bob });
        expect([refused.status, ...codes(refused)]).toEqual(['failed', 'ERR_WEAK_CIPHER']);
        const report = await ctx.sp.decrypt(message, { identity: bob, policy: { legacy: true } });
        expect(report.cipher).toBe(cipher);
        expect(report.authenticated).toBe(false);
        if (ctx.backend.capabilities.contentCiphers.includes(cipher === 'des-ede3-cbc' ? cipher : 'rc2-cbc')) {
          expect(report.status).toBe('decrypted');
          expect(new TextDecoder().decode(report.content)).toContain('This is some sample content.');
        } else {
          expect(report.status).toBe('failed');
          expect(codes(report)).toEqual(['ERR_UNSUPPORTED_CIPHER']);
        }
      });
    }
  });

  describe('RFC 9216 example keys', () => {
    const rsaCa = () => certFromPem('rfc9216/Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem');

    it('alice@smime.example signs; the LAMPS RSA CA anchors it', async () => {
      const alice = { certificate: certFromPem('rfc9216/alice@smime.example.sig.pem'), privateKey: { type: 'pkcs8' as const, der: pkcs8FromPem('rfc9216/lamps-alice.p8.pem') } };
      const signed = await ctx.sp.sign(textMessage({ from: 'alice@smime.example' }), { signer: alice });
      const report = await ctx.sp.verify(signed, { trustAnchors: [rsaCa()] });
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
      expect((await ctx.sp.verify(signed, { trustAnchors: ctx.anchors })).status).toBe('untrusted');
    });

    it('bob@smime.example decrypts what is encrypted to his encryption certificate', async () => {
      const bob = { certificate: certFromPem('rfc9216/bob@smime.example.enc.pem'), privateKey: { type: 'pkcs8' as const, der: pkcs8FromPem('rfc9216/lamps-bob.decrypt.p8.pem') } };
      const sealed = await ctx.sp.encrypt(textMessage({ from: 'alice@smime.example' }), { recipients: [bob.certificate] });
      const report = await ctx.sp.decrypt(sealed, { identity: bob });
      expect(report.status).toBe('decrypted');
      expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
    });
  });

  describe('messages made by openssl cms at test time', () => {
    for (const detached of [true, false]) {
      it(`openssl ${detached ? 'detached' : 'opaque'} signature verifies`, async () => {
        const { alice } = ctx.pki.identities;
        const entity = textEntity('Signed by openssl.\r\n');
        const cms = await opensslSignDer({ content: entity, certPath: alice.certPath, keyPath: alice.keyPath, detached });
        const message = detached ? detachedSignedMessage({ from: alice.email }, entity, cms) : opaqueSignedMessage({ from: alice.email }, cms);
        const report = await ctx.sp.verify(message, { trustAnchors: ctx.anchors });
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('valid');
      });
    }

    const encryptions: [CmsCipher, OaepChoice][] = [
      ['aes-128-cbc', false],
      ['aes-256-cbc', false],
      ['aes-128-gcm', false],
      ['aes-256-gcm', false],
      ['aes-256-gcm', 'sha1'],
      ['aes-256-cbc', 'sha256'],
    ];
    for (const [cipher, oaep] of encryptions) {
      it(`openssl ${cipher}${oaep === false ? '' : ` OAEP-${oaep}`} decrypts`, async () => {
        const { bob } = ctx.pki.identities;
        const entity = textEntity('Encrypted by openssl.\r\n');
        const cms = await opensslEncryptDer({ content: entity, recipientCertPaths: [bob.certPath], cipher, oaep });
        const report = await ctx.sp.decrypt(envelopedMessage({ from: 'alice@example.com' }, cms, cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data'), {
          identity: identityOf(bob),
        });
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('decrypted');
        expect(report.authenticated).toBe(cipher.endsWith('gcm'));
        expect(report.keyTransport).toBe(oaep === false ? 'rsa-pkcs1' : 'rsa-oaep');
        expect(new TextDecoder().decode(report.content)).toContain('Encrypted by openssl.');
      });
    }

    for (const detached of [true, false]) {
      it(`openssl verifies this backend's ${detached ? 'detached' : 'opaque'} signature`, async () => {
        const { alice } = ctx.pki.identities;
        const signed = await ctx.sp.sign(textMessage({ from: alice.email }), { signer: identityOf(alice), detached });
        const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
        expect(report.status).toBe('valid');
        const cms = detached ? signatureOf(signed) : cmsOf(signed);
        const result = await opensslVerifyDer({ cms, ...(detached ? { content: report.content! } : {}), caPath: ctx.pki.ca.certPath });
        expect(result.stderr).not.toMatch(/error/i);
        expect(result.ok).toBe(true);
      });
    }

    for (const [cipher, keyTransport] of [
      ['aes-256-cbc', 'rsa-pkcs1'],
      ['aes-128-gcm', 'rsa-pkcs1'],
      ['aes-256-gcm', 'rsa-pkcs1'],
      ['aes-256-gcm', 'rsa-oaep'],
    ] as const) {
      it(`openssl decrypts this backend's ${cipher} ${keyTransport}`, async () => {
        const { alice, bob } = ctx.pki.identities;
        const message = textMessage({ from: alice.email, to: bob.email });
        const sealing = ctx.sp.encrypt(message, { recipients: [bob.cert], cipher, keyTransport });
        if (!ctx.backend.capabilities.keyTransport.includes(keyTransport)) return expect(sealing).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' });
        const sealed = await sealing;
        const result = await opensslDecryptDer({ cms: cmsOf(sealed), certPath: bob.certPath, keyPath: bob.keyPath });
        expect(result.ok).toBe(true);
        expect(new TextDecoder().decode(result.content)).toContain('the contract is attached.');
      });
    }
  });
}

/** The CMS of the second part of a multipart/signed message. */
function signatureOf(message: Uint8Array): Uint8Array {
  const text = Buffer.from(message).toString('latin1');
  const start = text.indexOf('Content-Type: application/pkcs7-signature');
  const body = text.slice(text.indexOf('\r\n\r\n', start) + 4);
  return new Uint8Array(Buffer.from(body.slice(0, body.indexOf('--')), 'base64'));
}
