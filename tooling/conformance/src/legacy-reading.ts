import { spawnSync } from 'node:child_process';
import { DECRYPTION_FAILED_MESSAGE, isSealpostError } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { envelopedMessage, textEntity } from './messages.js';
import { envelopeParts, flipBit } from './tamper.js';

// `openssl cms -encrypt` writes RC2 only with OpenSSL 3's legacy provider loaded; 3DES needs nothing.
const legacyProvider = spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-cipher-algorithms'], { timeout: 10_000 }).status === 0;

/** EnvelopedData (DER) from `openssl cms -encrypt -binary -FLAG` to one recipient certificate, made now. */
function opensslLegacyEnvelope(flag: string, content: Uint8Array, recipientCertPath: string): Uint8Array {
  const providers = flag.startsWith('rc2') ? ['-provider', 'legacy', '-provider', 'default'] : [];
  const run = spawnSync('openssl', ['cms', '-encrypt', ...providers, '-binary', `-${flag}`, '-outform', 'DER', recipientCertPath], { input: content, timeout: 30_000 });
  if (run.status !== 0) throw new Error(`openssl cms -encrypt -${flag} failed: ${String(run.stderr)}`);
  return new Uint8Array(run.stdout);
}

const CASES = [
  { flag: 'des3', cipher: 'des-ede3-cbc' },
  { flag: 'rc2-40', cipher: 'rc2-40-cbc' },
  { flag: 'rc2-64', cipher: 'rc2-64-cbc' },
  { flag: 'rc2-128', cipher: 'rc2-128-cbc' },
] as const;

/**
 * Old mail sealed with 3DES or RC2: every backend reads it under the legacy policy with the same
 * report (the cipher by its key size, never authenticated), refuses it by default with the same code
 * before any key is used, and fails a broken padding with the one generic error.
 */
export function legacyReadingTests(ctx: SuiteContext): void {
  describe('legacy content ciphers (3DES, RC2) from openssl cms, read under the legacy policy', () => {
    const headers = { from: 'alice@example.com', to: 'bob@example.com' };
    const entity = (): Uint8Array => textEntity('Sealed in 2004.\r\n');
    const bob = () => identityOf(ctx.pki.identities.bob);
    const sealed = (flag: string) => envelopedMessage(headers, opensslLegacyEnvelope(flag, entity(), ctx.pki.identities.bob.certPath));

    it('every backend claims 3DES and RC2 for reading', () => {
      expect(ctx.backend.capabilities.contentCiphers).toEqual(expect.arrayContaining(['des-ede3-cbc', 'rc2-cbc']));
    });

    for (const { flag, cipher } of CASES) {
      const needsLegacy = flag.startsWith('rc2') && !legacyProvider;

      it.skipIf(needsLegacy)(`-${flag}: decrypted as ${cipher}, not authenticated, under policy legacy (decrypt and open)`, async () => {
        const message = sealed(flag);
        const report = await ctx.sp.decrypt(message, { identity: bob(), policy: { legacy: true } });
        expect(report.errors).toEqual([]);
        expect(report).toMatchObject({ status: 'decrypted', cipher, authenticated: false, keyTransport: 'rsa-pkcs1' });
        expect(new TextDecoder().decode(report.content)).toContain('Sealed in 2004.');
        const opened = await ctx.sp.open(message, { identities: [bob()], trustAnchors: ctx.anchors, policy: { legacy: true } });
        expect(opened.layers.map((l) => `${l.type}:${l.status}`)).toEqual(['enveloped:decrypted']);
        expect(opened.layers[0]).toMatchObject({ cipher, authenticated: false });
      });

      it.skipIf(needsLegacy)(`-${flag}: refused by the default policy (ERR_WEAK_CIPHER), no content`, async () => {
        const message = sealed(flag);
        const report = await ctx.sp.decrypt(message, { identity: bob() });
        expect(report).toMatchObject({ status: 'failed', cipher, authenticated: false });
        expect(codes(report)).toEqual(['ERR_WEAK_CIPHER']);
        expect(report.content).toBeUndefined();
        const opened = await ctx.sp.open(message, { identities: [bob()], trustAnchors: ctx.anchors });
        expect(opened.status).toBe('failed');
        expect(codes(opened)).toEqual(['ERR_WEAK_CIPHER']);
        // requireAuthenticated refuses it too, with its own code, as any CBC.
        expect(codes(await ctx.sp.decrypt(message, { identity: bob(), policy: { legacy: true }, requireAuthenticated: true }))).toEqual(['ERR_NOT_AUTHENTICATED']);
      });

      it.skipIf(needsLegacy)(`-${flag}: a broken padding is the one generic decryption failure`, async () => {
        const cms = opensslLegacyEnvelope(flag, entity(), ctx.pki.identities.bob.certPath);
        const { ciphertext } = envelopeParts(cms);
        // The last octet of the next-to-last 8-octet block XORs into the pad length: 0x80 makes it invalid.
        const tampered = flipBit(cms, ciphertext.offset + ciphertext.length - 9, 0x80);
        const report = await ctx.sp.decrypt(envelopedMessage(headers, tampered), { identity: bob(), policy: { legacy: true } });
        expect(report.status).toBe('failed');
        expect(report.content).toBeUndefined();
        expect(report.errors).toEqual([{ code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE }]);
      });
    }

    it.skipIf(!legacyProvider)('a message for someone else is still ERR_NO_RECIPIENT under policy legacy', async () => {
      const report = await ctx.sp.decrypt(sealed('rc2-40'), { identity: identityOf(ctx.pki.identities.alice), policy: { legacy: true } });
      expect(codes(report)).toEqual(['ERR_NO_RECIPIENT']);
    });

    it('never encrypts with them, though it reads them', async () => {
      const { bob: recipient } = ctx.pki.identities;
      const message = new TextEncoder().encode('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: x\r\n\r\nhello\r\n');
      for (const cipher of ['des-ede3-cbc', 'rc2-cbc', 'rc2-40-cbc', 'rc2-128-cbc'] as const) {
        const error = await ctx.sp.encrypt(message, { recipients: [recipient.cert], cipher }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isSealpostError(error) ? error.code : String(error), cipher).toBe('ERR_UNSUPPORTED_CIPHER');
      }
    });
  });
}
