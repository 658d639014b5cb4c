import { OID, parseBer } from '@sealpost/core';
import type { IdentityName } from '@sealpost/fixtures';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { craftSignedData } from './craft.js';
import { detachedSignedMessage, mixedMessage, opaqueSignedMessage, textEntity, textMessage } from './messages.js';

/**
 * One test per verdict rule, each with a message built to break exactly that rule, next to a
 * control that differs only in the broken detail (so a test fails if the rule is removed).
 */
export function verdictTests(ctx: SuiteContext): void {
  const verify = (message: Uint8Array, extra: { legacy?: boolean; anchors?: Uint8Array[] } = {}) =>
    ctx.sp.verify(message, {
      trustAnchors: extra.anchors ?? ctx.anchors,
      ...(extra.legacy === true ? { policy: { legacy: true } } : {}),
    });
  const entity = (): Uint8Array => textEntity('Pay 100 EUR to account 1234.\r\n');
  const crafted = (
    who: IdentityName,
    signer: Partial<Parameters<typeof craftSignedData>[0]['signers'][number]> = {},
    options: { includeContent?: boolean; eContentType?: string } = {},
  ): Uint8Array => {
    const id = ctx.pki.identities[who];
    return craftSignedData({
      content: entity(),
      includeContent: options.includeContent ?? false,
      ...(options.eContentType === undefined ? {} : { eContentType: options.eContentType }),
      signers: [{ certificate: id.cert, privateKey: id.keyDer, ...signer }],
    });
  };

  describe('verdict rules', () => {
    it('control: a crafted, well-formed signature is valid', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice')));
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
    });

    it('returns exactly the verified bytes as content', async () => {
      const e = entity();
      const detached = await verify(detachedSignedMessage({ from: 'alice@example.com' }, e, crafted('alice')));
      expect(Buffer.from(detached.content!).equals(Buffer.from(e))).toBe(true);
      const opaque = await verify(opaqueSignedMessage({ from: 'alice@example.com' }, crafted('alice', {}, { includeContent: true })));
      expect(opaque.status).toBe('valid');
      expect(Buffer.from(opaque.content!).equals(Buffer.from(e))).toBe(true);
    });

    it('signer address is not the From address: invalid', async () => {
      const report = await verify(detachedSignedMessage({ from: 'bob@example.com' }, entity(), crafted('alice')));
      expect(report.status).toBe('invalid');
      expect(report.signers[0]!.matchesFrom).toBe(false);
      expect(codes(report)).toContain('ERR_FROM_MISMATCH');
    });

    it('display name spoofing the signer: the addr-spec counts, not the display name', async () => {
      const from = '"alice@example.com" <mallory@example.com>';
      const report = await verify(detachedSignedMessage({ from }, entity(), crafted('alice')));
      expect(report.from).toBe('mallory@example.com');
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_FROM_MISMATCH');
    });

    it('two From fields: invalid', async () => {
      const message = detachedSignedMessage({ from: 'alice@example.com', extra: ['From: bob@example.com'] }, entity(), crafted('alice'));
      const report = await verify(message);
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_FROM_MULTIPLE');
    });

    it('one From field with two mailboxes: invalid', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com, bob@example.com' }, entity(), crafted('alice')));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_FROM_MULTIPLE');
    });

    it('no From: invalid', async () => {
      const report = await verify(detachedSignedMessage({}, entity(), crafted('alice')));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_FROM_MISSING');
    });

    it('two signers, both good: valid (control)', async () => {
      const { alice, bob } = ctx.pki.identities;
      const cms = craftSignedData({
        content: entity(),
        includeContent: false,
        signers: [
          { certificate: alice.cert, privateKey: alice.keyDer },
          { certificate: bob.cert, privateKey: bob.keyDer },
        ],
      });
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
      expect(report.status).toBe('valid');
      expect(report.signers).toHaveLength(2);
    });

    it('two signers, one bad: invalid', async () => {
      const { alice, bob } = ctx.pki.identities;
      const cms = craftSignedData({
        content: entity(),
        includeContent: false,
        signers: [
          { certificate: alice.cert, privateKey: alice.keyDer },
          { certificate: bob.cert, privateKey: bob.keyDer, corruptSignature: true },
        ],
      });
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
      expect(report.status).toBe('invalid');
      expect(report.signers.map((s) => s.signatureValid)).toEqual([true, false]);
      expect(codes(report)).toContain('ERR_SIGNATURE_INVALID');
    });

    it('no SignerInfos: invalid', async () => {
      const cms = craftSignedData({ content: entity(), includeContent: false, signers: [], certificates: [ctx.pki.identities.alice.cert] });
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), cms));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_NO_SIGNERS');
    });

    it('a signed part inside an unsigned multipart: partially-signed with its path', async () => {
      const { alice } = ctx.pki.identities;
      const signedPart = await ctx.sp.sign(textMessage({}, 'I agree.\r\n'), { signer: identityOf(alice) });
      const inner = signedPart.subarray(Buffer.from(signedPart).indexOf('Content-Type: multipart/signed'));
      const message = mixedMessage({ from: 'alice@example.com' }, [textEntity('Also: I owe Mallory 1000 EUR.\r\n'), inner]);
      const report = await verify(message);
      expect(report.status).toBe('partially-signed');
      expect(report.signedPath).toBe('2');
      expect(codes(report)).toContain('ERR_NOT_ROOT_SIGNED');
    });

    it('tampered body: invalid', async () => {
      const tampered = textEntity('Pay 900 EUR to account 6666.\r\n');
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, tampered, crafted('alice')));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_DIGEST_MISMATCH');
    });

    it('tampered signature bytes: invalid', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { corruptSignature: true })));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_SIGNATURE_INVALID');
    });

    it('messageDigest attribute that does not match the content: invalid', async () => {
      const report = await verify(opaqueSignedMessage({ from: 'alice@example.com' }, crafted('alice', { messageDigest: new Uint8Array(32).fill(7) }, { includeContent: true })));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_DIGEST_MISMATCH');
    });

    it('messageDigest attribute missing or repeated: invalid', async () => {
      for (const messageDigestCount of [0, 2]) {
        const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { messageDigestCount })));
        expect(report.status).toBe('invalid');
        expect(codes(report)).toContain('ERR_MESSAGE_DIGEST_MISSING');
      }
    });

    it('signed attributes are checked exactly as received, never re-encoded into DER order', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { unsortedAttributes: true })));
      // A backend whose library re-encodes must say so with a typed error rather than call the signature bad.
      if (codes(report).includes('ERR_UNSUPPORTED_CMS')) {
        expect(report.status).toBe('invalid');
      } else {
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('valid');
      }
    });

    it('eContent inside a detached signature: invalid', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', {}, { includeContent: true })));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_DETACHED_WITH_CONTENT');
    });

    it('contentType attribute different from eContentType: invalid (even where the library accepts it)', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { contentTypeAttrs: [OID.signedData] })));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_CONTENT_TYPE_ATTRIBUTE');
    });

    it('contentType attribute missing or repeated: invalid', async () => {
      for (const contentTypeAttrs of [[], [OID.data, OID.data]]) {
        const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { contentTypeAttrs })));
        expect(report.status).toBe('invalid');
        expect(codes(report)).toContain('ERR_CONTENT_TYPE_ATTRIBUTE');
      }
    });

    it('a signature without signed attributes over id-data is accepted', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { noSignedAttributes: true })));
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
    });

    it('a signature without signed attributes over anything but id-data: invalid', async () => {
      const cms = crafted('alice', { noSignedAttributes: true }, { includeContent: true, eContentType: OID.signedData });
      const report = await verify(opaqueSignedMessage({ from: 'alice@example.com' }, cms));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_CONTENT_TYPE_ATTRIBUTE');
    });

    it('MD5 signature: invalid by default', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { digest: 'md5' }), 'md5'));
      expect(report.status).toBe('invalid');
      // The same codes whether or not the backend can compute MD5: a refused digest is not judged further.
      expect(codes(report)).toEqual(['ERR_WEAK_DIGEST']);
      expect(report.signers.map((s) => s.signatureValid)).toEqual([false]);
    });

    it('SHA-1 signature: invalid by default, valid under the legacy policy', async () => {
      const message = detachedSignedMessage({ from: 'alice@example.com' }, entity(), crafted('alice', { digest: 'sha-1' }), 'sha-1');
      const strict = await verify(message);
      expect(strict.status).toBe('invalid');
      expect(codes(strict)).toContain('ERR_WEAK_DIGEST');
      const legacy = await verify(message, { legacy: true });
      if (ctx.backend.capabilities.digests.includes('sha-1')) {
        expect(legacy.errors).toEqual([]);
        expect(legacy.status).toBe('valid');
      } else {
        expect(legacy.status).toBe('invalid');
        expect(codes(legacy).some((c) => c.startsWith('ERR_UNSUPPORTED_'))).toBe(true);
      }
    });

    it('RSA key under 2048 bits: invalid', async () => {
      const { dave } = ctx.pki.identities;
      const cms = crafted('dave');
      const report = await verify(detachedSignedMessage({ from: dave.email }, entity(), cms));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_WEAK_KEY');
      expect((await verify(detachedSignedMessage({ from: dave.email }, entity(), cms), { legacy: true })).status).toBe('valid');
    });

    it('RSA public exponent 3: valid under the legacy policy', async () => {
      const { erin } = ctx.pki.identities;
      const report = await verify(detachedSignedMessage({ from: erin.email }, entity(), crafted('erin')), { legacy: true });
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
    });

    it('invalid beats untrusted', async () => {
      const { mallory } = ctx.pki.identities;
      const report = await verify(detachedSignedMessage({ from: mallory.email }, entity(), crafted('mallory', { corruptSignature: true })));
      expect(codes(report)).toContain('ERR_CHAIN_UNTRUSTED');
      expect(codes(report)).toContain('ERR_SIGNATURE_INVALID');
      expect(report.status).toBe('invalid');
    });

    it('chain to a root the caller does not trust: untrusted', async () => {
      const { mallory } = ctx.pki.identities;
      const cms = crafted('mallory');
      const message = detachedSignedMessage({ from: mallory.email }, entity(), cms);
      const report = await verify(message);
      expect(report.status).toBe('untrusted');
      expect(report.signers[0]!.signatureValid).toBe(true);
      expect(report.signers[0]!.trusted).toBe(false);
      expect(codes(report)).toContain('ERR_CHAIN_UNTRUSTED');
      expect((await verify(message, { anchors: [ctx.pki.untrustedCa.cert] })).status).toBe('valid');
      expect((await verify(message, { anchors: [] })).status).toBe('untrusted');
    });

    it.each([
      ['RSA public exponent 3: invalid', 'erin', 'invalid', 'ERR_WEAK_KEY'],
      ['expired certificate: untrusted', 'grace', 'untrusted', 'ERR_CERTIFICATE_EXPIRED'],
      ['certificate not allowed for email protection: untrusted', 'heidi', 'untrusted', 'ERR_CERTIFICATE_USAGE'],
    ] as const)('%s', async (_title, who, status, code) => {
      const report = await verify(detachedSignedMessage({ from: ctx.pki.identities[who].email }, entity(), crafted(who)));
      expect(report.status).toBe(status);
      expect(codes(report)).toContain(code);
    });

    it('address only in the legacy subject emailAddress still matches From', async () => {
      const { ivan } = ctx.pki.identities;
      const cms = crafted('ivan');
      const report = await verify(detachedSignedMessage({ from: `Ivan <${ivan.email.toUpperCase().replace(/@.*$/, '')}@EXAMPLE.com>` }, entity(), cms));
      // Local parts compare exactly, domains case-insensitively: IVAN@ is not ivan@.
      expect(report.status).toBe('invalid');
      const same = await verify(detachedSignedMessage({ from: `Ivan <ivan@EXAMPLE.COM>` }, entity(), cms));
      expect(same.status).toBe('valid');
    });

    it('a plain message: not-signed', async () => {
      const report = await verify(textMessage({ from: 'alice@example.com' }));
      expect(report.status).toBe('not-signed');
      expect(report.signers).toEqual([]);
    });

    it('garbage where the signature should be: invalid with a typed error, no throw', async () => {
      const report = await verify(detachedSignedMessage({ from: 'alice@example.com' }, entity(), new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3])));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_CMS_MALFORMED');
    });

    it('BER-encoded signed data is read', async () => {
      // Re-encode the outer ContentInfo SEQUENCE with an indefinite length, as NSS and gpgsm do.
      const der = crafted('alice', {}, { includeContent: true });
      const node = parseBer(der);
      const inner = node.contents;
      const ber = Buffer.concat([Buffer.from([0x30, 0x80]), Buffer.from(inner), Buffer.from([0, 0])]);
      const report = await verify(opaqueSignedMessage({ from: 'alice@example.com' }, ber));
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
    });
  });
}
