import { spawnSync } from 'node:child_process';
import type { TestIdentity } from '@sealpost/fixtures';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes } from './context.js';
import { detachedSignedMessage, textEntity } from './messages.js';

/** A detached SignedData (DER) from `openssl cms -sign -binary -md DIGEST`, made now. */
function opensslSigned(signer: TestIdentity, digest: string, content: Uint8Array, keyopts: readonly string[] = []): Uint8Array {
  const args = ['cms', '-sign', '-binary', '-md', digest, '-signer', signer.certPath, '-inkey', signer.keyPath, '-outform', 'DER', ...keyopts.flatMap((k) => ['-keyopt', k])];
  const run = spawnSync('openssl', args, { input: content, timeout: 30_000 });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${String(run.stderr)}`);
  return new Uint8Array(run.stdout);
}

/** The same SignedData with the last octet flipped: the end of the signature value (openssl writes no unsigned attributes). */
function lastOctetFlipped(cms: Uint8Array): Uint8Array {
  const copy = cms.slice();
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

/**
 * Signatures over SHA-224 and MD5 are checked by core on every backend (WebCrypto has neither digest,
 * OpenSSL both): the same message gets the same verdict and codes on every backend, where it used to be
 * valid on openssl and ERR_UNSUPPORTED_DIGEST on pkijs and forge. The messages are made by openssl cms.
 */
export function coreDigestTests(ctx: SuiteContext): void {
  describe('signatures over SHA-224 and MD5 (checked by core on every backend), made by openssl cms', () => {
    const entity = (): Uint8Array => textEntity('Signed with a digest WebCrypto lacks.\r\n');
    const ids = () => ctx.pki.identities;
    const signed = (signer: TestIdentity, digest: string, cms: Uint8Array) => detachedSignedMessage({ from: signer.email }, entity(), cms, digest === 'md5' ? 'md5' : 'sha-224');
    const cases = () =>
      [
        { name: 'RSA PKCS #1 v1.5', signer: ids().alice, keyopts: [] },
        { name: 'RSA-PSS, salt as long as the digest', signer: ids().alice, keyopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:digest'] },
        { name: 'RSA-PSS, the longest salt', signer: ids().alice, keyopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:max'] },
        { name: 'ECDSA P-256', signer: ids().carol, keyopts: [] },
        { name: 'ECDSA P-384', signer: ids().olivia, keyopts: [] },
        { name: 'ECDSA P-521', signer: ids().peggy, keyopts: [] },
      ] as const;

    it('SHA-224 with RSA PKCS #1 v1.5, RSA-PSS and ECDSA on P-256, P-384 and P-521: valid', async () => {
      for (const c of cases()) {
        const report = await ctx.sp.verify(signed(c.signer, 'sha224', opensslSigned(c.signer, 'sha224', entity(), c.keyopts)), { trustAnchors: ctx.anchors });
        expect(report.errors, c.name).toEqual([]);
        expect(report.status, c.name).toBe('valid');
        expect(
          report.signers.map((s) => [s.signatureValid, s.digest]),
          c.name,
        ).toEqual([[true, 'sha-224']]);
      }
    });

    it('SHA-224: a changed content and a changed signature get the codes a SHA-256 signature gets', async () => {
      for (const c of cases()) {
        const cms224 = opensslSigned(c.signer, 'sha224', entity(), c.keyopts);
        const cms256 = opensslSigned(c.signer, 'sha256', entity(), c.keyopts);
        const changed = (message: Uint8Array) => new TextEncoder().encode(new TextDecoder('latin1').decode(message).replace('WebCrypto lacks', 'WebCrypto lackz'));
        const verdict = async (message: Uint8Array) => {
          const report = await ctx.sp.verify(message, { trustAnchors: ctx.anchors });
          return { status: report.status, codes: codes(report), signatureValid: report.signers.map((s) => s.signatureValid) };
        };
        const content224 = await verdict(changed(signed(c.signer, 'sha224', cms224)));
        expect(content224.status, c.name).toBe('invalid');
        expect(content224, c.name).toEqual(await verdict(changed(detachedSignedMessage({ from: c.signer.email }, entity(), cms256))));
        const signature224 = await verdict(signed(c.signer, 'sha224', lastOctetFlipped(cms224)));
        expect(signature224.status, c.name).toBe('invalid');
        expect(signature224, c.name).toEqual(await verdict(detachedSignedMessage({ from: c.signer.email }, entity(), lastOctetFlipped(cms256))));
      }
    });

    it('MD5 with RSA: ERR_WEAK_DIGEST alone by default; valid under the legacy policy; a changed signature invalid', async () => {
      const alice = ids().alice;
      const cms = opensslSigned(alice, 'md5', entity());
      const strict = await ctx.sp.verify(signed(alice, 'md5', cms), { trustAnchors: ctx.anchors });
      expect(strict.status).toBe('invalid');
      expect(codes(strict)).toEqual(['ERR_WEAK_DIGEST']);
      const legacy = await ctx.sp.verify(signed(alice, 'md5', cms), { trustAnchors: ctx.anchors, policy: { legacy: true } });
      expect(legacy.errors).toEqual([]);
      expect(legacy.status).toBe('valid');
      const forged = await ctx.sp.verify(signed(alice, 'md5', lastOctetFlipped(cms)), { trustAnchors: ctx.anchors, policy: { legacy: true } });
      expect(forged.status).toBe('invalid');
      expect(forged.signers.map((s) => s.signatureValid)).toEqual([false]);
    });
  });
}
