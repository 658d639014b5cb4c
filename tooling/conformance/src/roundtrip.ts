import { type ContentCipher, type DigestAlgorithm, type Identity, type KeyTransport, type SignatureScheme, isSealpostError } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { isLegacyCipher } from '@sealpost/core/backend-kit';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, identityOf } from './context.js';
import { textMessage } from './messages.js';

const DIGESTS: DigestAlgorithm[] = ['sha-256', 'sha-384', 'sha-512'];
const SIGNING: { scheme: SignatureScheme; identity: 'alice' | 'carol'; keyType: 'rsa' | 'ec-p256' }[] = [
  { scheme: 'rsa-pkcs1', identity: 'alice', keyType: 'rsa' },
  { scheme: 'rsa-pss', identity: 'alice', keyType: 'rsa' },
  { scheme: 'ecdsa', identity: 'carol', keyType: 'ec-p256' },
];
export const ALL_CIPHERS: ContentCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'des-ede3-cbc', 'rc2-cbc', 'chacha20-poly1305'];
const KEY_TRANSPORTS: KeyTransport[] = ['rsa-pkcs1', 'rsa-oaep'];

async function expectUnsupported(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSealpostError(error), `expected a typed error, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toMatch(/^ERR_UNSUPPORTED_/);
}

export function roundTripTests(ctx: SuiteContext): void {
  describe('sign and verify round trips (unsupported combinations: typed error)', () => {
    for (const { scheme, identity, keyType } of SIGNING) {
      for (const digest of DIGESTS) {
        for (const detached of [true, false]) {
          it(`${scheme} ${digest} ${detached ? 'detached' : 'opaque'}`, async () => {
            const id = ctx.pki.identities[identity];
            const message = textMessage({ from: id.email, to: 'bob@example.com' });
            const caps = ctx.backend.capabilities;
            const claimed = caps.digests.includes(digest) && caps.signatureSchemes.includes(scheme) && caps.keyTypes.includes(keyType);
            const signing = ctx.sp.sign(message, { signer: identityOf(id), digest, scheme, detached });
            if (!claimed) return expectUnsupported(signing);
            const signed = await signing;
            const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
            expect(report.errors).toEqual([]);
            expect(report.status).toBe('valid');
            expect(report.form).toBe(detached ? 'detached' : 'opaque');
            expect(report.signers).toHaveLength(1);
            expect(report.signers[0]!.digest).toBe(digest);
            expect(report.signers[0]!.signatureAlgorithm).toBe(scheme);
            expect(report.signers[0]!.addresses).toContain(id.email);
            expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
          });
        }
      }
    }

    it('refuses to sign with MD5 or SHA-1', async () => {
      const alice = ctx.pki.identities.alice;
      for (const digest of ['md5', 'sha-1'] as const) {
        await expectUnsupported(ctx.sp.sign(textMessage({ from: alice.email }), { signer: identityOf(alice), digest }));
      }
    });

    it('embeds the intermediate so a chain through it verifies', async () => {
      const frank = ctx.pki.identities.frank;
      const signed = await ctx.sp.sign(textMessage({ from: frank.email }), {
        signer: { ...identityOf(frank), chain: [ctx.pki.inter.cert] },
      });
      const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
      expect(report.status).toBe('valid');
    });
  });

  describe('encrypt and decrypt round trips (unsupported combinations: typed error)', () => {
    for (const cipher of ALL_CIPHERS) {
      for (const keyTransport of KEY_TRANSPORTS) {
        it(`${cipher} with ${keyTransport}`, async () => {
          const { alice, bob } = ctx.pki.identities;
          const message = textMessage({ from: alice.email, to: bob.email });
          const caps = ctx.backend.capabilities;
          // 3DES and RC2 may be claimed for reading; they are never written.
          const claimed = caps.contentCiphers.includes(cipher) && !isLegacyCipher(cipher) && caps.keyTransport.includes(keyTransport);
          const encrypting = ctx.sp.encrypt(message, { recipients: [bob.cert, alice.cert], cipher, keyTransport });
          if (!claimed) return expectUnsupported(encrypting);
          const encrypted = await encrypting;
          expect(new TextDecoder().decode(encrypted)).not.toContain('the contract is attached.');
          for (const who of [bob, alice]) {
            const report = await ctx.sp.decrypt(encrypted, { identity: identityOf(who) });
            expect(report.errors).toEqual([]);
            expect(report.status).toBe('decrypted');
            expect(report.cipher).toBe(cipher);
            expect(report.keyTransport).toBe(keyTransport);
            expect(report.authenticated).toBe(cipher.endsWith('-gcm'));
            const text = new TextDecoder().decode(report.content);
            expect(text).toContain('the contract is attached.');
            expect(text).toMatch(/^From: alice@example\.com\r$/m);
          }
        });
      }
    }

    it('EC recipients need key agreement, which is reported unsupported unless claimed', async () => {
      const { alice, carol } = ctx.pki.identities;
      const encrypting = ctx.sp.encrypt(textMessage({ from: alice.email }), { recipients: [carol.cert], cipher: 'aes-256-cbc' });
      if (ctx.backend.capabilities.keyAgreement.includes('ecdh-p256')) {
        await expect(encrypting).resolves.toBeInstanceOf(Uint8Array);
      } else {
        await expectUnsupported(encrypting);
      }
    });
  });

  describe('the cipher encrypt chooses when not told (one rule with send: GCM only where advertised)', () => {
    const cipherOf = async (encrypted: Uint8Array, identity: Identity): Promise<unknown> => (await ctx.sp.decrypt(encrypted, { identity })).cipher;

    it('AES-256-CBC to a certificate that advertises nothing (every client reads it); cipherUnknown changes that', async () => {
      const { alice, bob } = ctx.pki.identities;
      const message = textMessage({ from: alice.email, to: bob.email });
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [bob.cert] }), identityOf(bob))).toBe('aes-256-cbc');
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [bob.cert], cipherUnknown: 'aes-128-gcm' }), identityOf(bob))).toBe('aes-128-gcm');
    });

    it('GCM where the key store entry or the certificate advertises it; cipher forces one', async () => {
      const { alice, bob } = ctx.pki.identities;
      const message = textMessage({ from: alice.email, to: bob.email });
      const stored = { certificate: bob.cert, smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] as ContentCipher[] };
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [stored] }), identityOf(bob))).toBe('aes-256-gcm');
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [stored], cipher: 'aes-128-cbc' }), identityOf(bob))).toBe('aes-128-cbc');
      const dave = await generateTestIdentity({ email: 'dave@example.com', smimeCapabilities: ['aes-128-gcm', 'aes-128-cbc'] });
      const daveIdentity = { certificate: dave.certificate, privateKey: dave.privateKey };
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [dave.certificate] }), daveIdentity)).toBe('aes-128-gcm');
      // One message to both: what both read.
      expect(await cipherOf(await ctx.sp.encrypt(message, { recipients: [dave.certificate, bob.cert] }), daveIdentity)).toBe('aes-128-cbc');
    });
  });

  describe('sign, then encrypt, then open', () => {
    for (const cipher of ['aes-256-gcm', 'aes-256-cbc'] as const) {
      it(`opens every layer (${cipher})`, async () => {
        const { alice, bob } = ctx.pki.identities;
        // RFC 8551 makes AES-GCM and AES-CBC mandatory: every backend must claim both.
        expect(ctx.backend.capabilities.contentCiphers).toContain(cipher);
        const sealed = await ctx.sp.signAndEncrypt(textMessage({ from: alice.email, to: bob.email }), {
          signer: identityOf(alice),
          recipients: [bob.cert],
          cipher,
        });
        const report = await ctx.sp.open(sealed, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('valid');
        expect(report.layers.map((l) => `${l.type}:${l.status}`)).toEqual(['enveloped:decrypted', 'signed:valid']);
        expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
      });
    }
  });
}
