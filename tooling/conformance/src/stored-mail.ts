import { opensslEncryptSmime, opensslSignSmime } from '@sealpost/fixtures';
import { parseMime } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { textEntity, textMessage } from './messages.js';

/**
 * Mail as other software stores and sends it: files saved with LF line ends, S/MIME parts under
 * application/octet-stream, content without a MIME header block, a signature put around ciphertext,
 * and archives read at the time they were signed. Every message is made at test time by openssl or by
 * this backend; every backend must give the outcome written here.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The bytes with every CRLF turned into LF, as an mbox or maildir file keeps a message. */
function storedWithLf(message: Uint8Array): Uint8Array {
  return enc.encode(dec.decode(message).replace(/\r\n/g, '\n'));
}

/** The message with the Content-Type field of its first S/MIME part replaced (and its name). */
function retyped(message: Uint8Array, pattern: RegExp, replacement: string): Uint8Array {
  const text = dec.decode(message);
  const out = text.replace(pattern, replacement);
  if (out === text) throw new Error(`retyped: ${pattern} is not in the message`);
  return enc.encode(out);
}

const PKCS7_MIME = /Content-Type: application\/(x-)?pkcs7-mime[^\r\n]*(\r\n[ \t][^\r\n]*)*/;
const PKCS7_SIGNATURE = /Content-Type: application\/(x-)?pkcs7-signature[^\r\n]*(\r\n[ \t][^\r\n]*)*/;

export function storedMailTests(ctx: SuiteContext): void {
  const from = 'alice@example.com';
  const signedByOpenssl = (detached: boolean, body = 'Signed, then stored as a file.\r\n') => {
    const { alice } = ctx.pki.identities;
    return opensslSignSmime({ entity: textEntity(body), certPath: alice.certPath, keyPath: alice.keyPath, detached, headers: { from, to: 'bob@example.com' } });
  };

  describe('mail as it is stored and sent by other software', () => {
    it('a detached signature stored with LF line ends verifies over its CRLF form, and the report says so', async () => {
      const original = await signedByOpenssl(true);
      const asReceived = await ctx.sp.verify(original, { trustAnchors: ctx.anchors });
      expect(asReceived.status).toBe('valid');
      expect(asReceived.canonicalized).toBeUndefined();

      const report = await ctx.sp.verify(storedWithLf(original), { trustAnchors: ctx.anchors });
      expect(codes(report)).toEqual([]);
      expect(report.status).toBe('valid');
      expect(report.canonicalized).toBe(true);
      expect(dec.decode(report.content)).toContain('Signed, then stored as a file.\r\n');
    });

    it('LF storage repairs nothing else: a changed word is still a digest mismatch', async () => {
      const stored = dec.decode(storedWithLf(await signedByOpenssl(true))).replace('stored as a file', 'stored as a fils');
      const report = await ctx.sp.verify(enc.encode(stored), { trustAnchors: ctx.anchors });
      expect(report.status).toBe('invalid');
      expect(codes(report)).toContain('ERR_DIGEST_MISMATCH');
      expect(report.canonicalized).toBeUndefined();
    });

    it('inside a decrypted layer, a signed entity with LF line ends verifies the same way', async () => {
      const { alice, bob } = ctx.pki.identities;
      const signed = await opensslSignSmime({
        entity: textEntity('Signed and sealed.\r\n'),
        certPath: alice.certPath,
        keyPath: alice.keyPath,
        detached: true,
        headers: { from, to: 'bob@example.com' },
      });
      // The signed message's own header fields are the layer's; the encrypted entity keeps them.
      const sealed = await opensslEncryptSmime({ entity: storedWithLf(signed), recipientCertPaths: [bob.certPath], cipher: 'aes-256-cbc', headers: { from, to: 'bob@example.com' } });
      const report = await ctx.sp.open(sealed, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(report.layers.map((l) => [l.type, l.status])).toEqual([
        ['enveloped', 'decrypted'],
        ['signed', 'valid'],
      ]);
      const signedLayer = report.layers[1]!;
      expect(signedLayer.type === 'signed' && signedLayer.canonicalized).toBe(true);
      expect(report.status).toBe('valid');
    });

    it('application/octet-stream named smime.p7m or smime.p7s is read as the S/MIME part its name says', async () => {
      const { alice, bob } = ctx.pki.identities;
      const message = textMessage({ from, to: 'bob@example.com' });
      const opaque = await ctx.sp.sign(message, { signer: identityOf(alice), detached: false });
      const detached = await ctx.sp.sign(message, { signer: identityOf(alice), detached: true });
      const sealed = await ctx.sp.encrypt(message, { recipients: [bob.cert], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' });
      const octet = (name: string) => `Content-Type: application/octet-stream; name="${name}"`;

      const opaqueReport = await ctx.sp.verify(retyped(opaque, PKCS7_MIME, octet('smime.p7m')), { trustAnchors: ctx.anchors });
      expect(codes(opaqueReport)).toEqual([]);
      expect(opaqueReport.status).toBe('valid');
      const detachedReport = await ctx.sp.verify(retyped(detached, PKCS7_SIGNATURE, octet('SMIME.P7S')), { trustAnchors: ctx.anchors });
      expect(detachedReport.status).toBe('valid');
      const opened = await ctx.sp.open(retyped(sealed, PKCS7_MIME, octet('smime.p7m')), { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(opened.status).toBe('decrypted');

      // The name decides, never the bytes alone: the same CMS under another name is an attachment.
      const unnamed = await ctx.sp.verify(retyped(opaque, PKCS7_MIME, octet('contract.bin')), { trustAnchors: ctx.anchors });
      expect(unnamed.status).toBe('not-signed');
      const dispositionOnly = await ctx.sp.verify(retyped(opaque, PKCS7_MIME, 'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="smime.p7m"'), {
        trustAnchors: ctx.anchors,
      });
      expect(dispositionOnly.status).toBe('valid');
    });

    for (const [what, body] of [
      ['bare text', 'hello Bob\r\nsee you tomorrow\r\n'],
      ['text whose first line looks like a header field', 'Note: the meeting moved\r\nsecond line, no colon here\r\n'],
    ] as const) {
      it(`content without MIME headers (${what}) is text/plain, not malformed`, async () => {
        const { alice, bob } = ctx.pki.identities;
        const bare = enc.encode(body);
        const sealed = await opensslEncryptSmime({ entity: bare, recipientCertPaths: [bob.certPath], cipher: 'aes-256-cbc', headers: { from, to: 'bob@example.com' } });
        const opened = await ctx.sp.open(sealed, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
        expect(codes(opened)).toEqual([]);
        expect(opened.status).toBe('decrypted');
        const content = parseMime(opened.content!);
        expect(content.contentType.type).toBe('text');
        expect(content.contentType.subtype).toBe('plain');
        expect(dec.decode(content.body)).toBe(body);

        const signed = await opensslSignSmime({ entity: bare, certPath: alice.certPath, keyPath: alice.keyPath, detached: false, headers: { from, to: 'bob@example.com' } });
        const verified = await ctx.sp.open(signed, { identities: [], trustAnchors: ctx.anchors });
        expect(verified.status).toBe('valid');
        expect(dec.decode(parseMime(verified.content!).body)).toBe(body);
      });
    }

    it("a signature around someone's ciphertext is reported as covering ciphertext only, and does not make the message valid", async () => {
      const { alice, bob, carol } = ctx.pki.identities;
      const sealed = await ctx.sp.encrypt(textMessage({ from: carol.email, to: 'bob@example.com' }, 'Written by Alice, re-signed by Carol.\r\n'), {
        recipients: [bob.cert],
        cipher: 'aes-256-cbc',
        keyTransport: 'rsa-pkcs1',
      });
      expect(alice.email).not.toBe(carol.email);
      const resigned = await ctx.sp.sign(sealed, { signer: identityOf(carol), detached: true });
      const report = await ctx.sp.open(resigned, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(report.layers.map((l) => l.type)).toEqual(['signed', 'enveloped']);
      const signedLayer = report.layers[0]!;
      expect(signedLayer.type === 'signed' && signedLayer.coversCiphertextOnly).toBe(true);
      expect(codes(signedLayer)).toContain('ERR_SIGNED_CIPHERTEXT_ONLY');
      expect(report.status).toBe('decrypted');
      expect(dec.decode(report.content)).toContain('re-signed by Carol');
    });

    it('verificationTime judges an archived signature at the time given, and the report names it', async () => {
      const { grace } = ctx.pki.identities;
      const signed = await opensslSignSmime({
        entity: textEntity('Signed in 2020.\r\n'),
        certPath: grace.certPath,
        keyPath: grace.keyPath,
        detached: true,
        headers: { from: grace.email, to: 'bob@example.com' },
      });
      const today = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
      expect(today.status).toBe('untrusted');
      expect(codes(today)).toContain('ERR_CERTIFICATE_EXPIRED');

      const then = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors, verificationTime: new Date('2020-06-01T00:00:00Z') });
      expect(codes(then)).toEqual([]);
      expect(then.status).toBe('valid');
      expect(then.verificationTime).toBe('2020-06-01T00:00:00.000Z');

      const before = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors, verificationTime: new Date('2019-06-01T00:00:00Z') });
      expect(before.status).toBe('untrusted');
      expect(codes(before)).toContain('ERR_CERTIFICATE_NOT_YET_VALID');

      const opened = await ctx.sp.open(signed, { identities: [], trustAnchors: ctx.anchors, verificationTime: new Date('2020-06-01T00:00:00Z') });
      expect(opened.status).toBe('valid');
    });
  });
}
