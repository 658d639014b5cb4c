import { opensslDecryptSmime, opensslSignSmime, opensslVerifySmime } from '@sealpost/fixtures';
import { type HeaderProtectionReport, type KeyStore, type SendRequest, createSealpost, isSealpostError, parseMime, textWithoutLegacyDisplay } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, codes, identityOf } from './context.js';
import { textMessage } from './messages.js';

/**
 * RFC 9788 header protection: the header fields travel inside the signature and the encryption, the
 * outer Subject of an encrypted message is `[...]`, the signer is bound to the protected From, and what
 * a relay or an attacker changes outside is listed. Messages come from this backend and from openssl
 * (a payload written the way RFC 9788 lays it out, signed and read by `openssl cms`).
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const FROM = 'alice@example.com';
const TO = 'bob@example.com';
const SUBJECT = 'Q3 figures: do not forward';

function message(extra: readonly string[] = [], body?: string): Uint8Array {
  return textMessage({ from: FROM, to: TO, subject: SUBJECT, extra }, body);
}

/** The header block (through the blank line) of a whole message, as text. */
function outerHeaderText(bytes: Uint8Array): string {
  const text = dec.decode(bytes);
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

/** The message with one header field's value replaced, as a relay or an attacker would. */
function withOuterField(bytes: Uint8Array, name: string, value: string): Uint8Array {
  const text = dec.decode(bytes);
  const pattern = new RegExp(`^${name}: [^\\r\\n]*(\\r\\n[ \\t][^\\r\\n]*)*`, 'im');
  if (!pattern.test(text)) throw new Error(`no ${name} field`);
  return enc.encode(text.replace(pattern, `${name}: ${value}`));
}

function fieldsOf(report: HeaderProtectionReport | undefined): Record<string, string> {
  return Object.fromEntries((report?.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
}

export function headerProtectionTests(ctx: SuiteContext): void {
  describe('header protection (RFC 9788)', () => {
    it('sign-only: the fields go inside the signature (hp="clear"), the outside is unchanged', async () => {
      const { alice } = ctx.pki.identities;
      const signed = await ctx.sp.sign(message(), { signer: identityOf(alice), headerProtection: 'sign-only' });
      expect(outerHeaderText(signed)).toContain(`Subject: ${SUBJECT}\r\n`);
      const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
      expect(codes(report)).toEqual([]);
      expect(report.status).toBe('valid');
      const hp = report.headerProtection!;
      expect(hp).toMatchObject({ hp: 'clear', signed: true, encrypted: false, confidential: [], outerDifferences: [], legacyDisplay: [] });
      expect(fieldsOf(hp)).toMatchObject({ from: FROM, to: TO, subject: SUBJECT, 'message-id': '<conformance@example.com>' });
      expect(dec.decode(report.content)).toMatch(/^Content-Type: text\/plain; charset=utf-8; hp="clear"\r\n/m);
    });

    it('encrypt: the outer Subject is [...], Keywords gone, the real ones readable only after decryption', async () => {
      const { alice, bob } = ctx.pki.identities;
      const sealed = await ctx.sp.signAndEncrypt(message(['Keywords: merger, confidential']), {
        signer: identityOf(alice),
        recipients: [bob.cert, alice.cert],
        headerProtection: 'encrypt',
      });
      const outside = outerHeaderText(sealed);
      expect(outside).toContain('Subject: [...]\r\n');
      expect(outside).not.toContain('Keywords');
      expect(outside).toContain(`From: ${FROM}\r\n`);
      expect(dec.decode(sealed)).not.toContain('Q3 figures');

      const report = await ctx.sp.open(sealed, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(report.layers.map((l) => [l.type, l.status])).toEqual([
        ['enveloped', 'decrypted'],
        ['signed', 'valid'],
      ]);
      expect(report.status).toBe('valid');
      const hp = report.headerProtection!;
      expect(hp).toMatchObject({ hp: 'cipher', signed: true, encrypted: true, outerDifferences: [], legacyDisplay: [''] });
      expect(hp.confidential.slice().sort()).toEqual(['keywords', 'subject']);
      expect(fieldsOf(hp)).toMatchObject({ subject: SUBJECT, keywords: 'merger, confidential', from: FROM });
      // The opened message is the protected one: its Subject is the real one, and the text starts with
      // the legacy display element that clients without RFC 9788 show.
      const root = parseMime(report.content!);
      expect(root.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(SUBJECT);
      // Keywords is hidden but is not one of the fields a reader sees, so the legacy display leaves it out.
      expect(dec.decode(root.body)).toBe(`Subject: ${SUBJECT}\r\n\r\nHello Bob,\r\nthe contract is attached.\r\n`);
      expect(textWithoutLegacyDisplay(root)).toBe('Hello Bob,\r\nthe contract is attached.\r\n');
    });

    it('encrypt without a signature: decrypt reports the protected fields as encrypted, not signed', async () => {
      const { bob } = ctx.pki.identities;
      const sealed = await ctx.sp.encrypt(message(), { recipients: [bob.cert], headerProtection: 'encrypt', legacyDisplay: false });
      expect(outerHeaderText(sealed)).toContain('Subject: [...]\r\n');
      const report = await ctx.sp.decrypt(sealed, { identity: identityOf(bob) });
      expect(report.status).toBe('decrypted');
      expect(report.headerProtection).toMatchObject({ hp: 'cipher', signed: false, encrypted: true, confidential: ['subject'], legacyDisplay: [] });
      const root = parseMime(report.content!);
      expect(root.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(SUBJECT);
      expect(dec.decode(root.body)).toBe('Hello Bob,\r\nthe contract is attached.\r\n');
    });

    it('a relay that rewrites the outer Subject and adds a Cc is listed; the verdict stays on the protected fields', async () => {
      const { alice, bob } = ctx.pki.identities;
      const sealed = await ctx.sp.signAndEncrypt(message(), { signer: identityOf(alice), recipients: [bob.cert], headerProtection: 'encrypt' });
      const relayed = enc.encode(`Cc: eve@example.net\r\n${dec.decode(withOuterField(sealed, 'Subject', '[EXTERNAL] [...]'))}`);
      const report = await ctx.sp.open(relayed, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(report.status).toBe('valid');
      const differences = report.headerProtection!.outerDifferences;
      expect(differences).toContainEqual({ name: 'Subject', outer: ['[EXTERNAL] [...]'], expected: ['[...]'] });
      expect(differences).toContainEqual({ name: 'Cc', outer: ['eve@example.net'], expected: [] });
      expect(differences).toHaveLength(2);
    });

    it('the signer is bound to the protected From: a forged outer From is listed, not believed', async () => {
      const { alice } = ctx.pki.identities;
      const signed = await ctx.sp.sign(message(), { signer: identityOf(alice), headerProtection: 'sign-only' });
      const forged = withOuterField(signed, 'From', 'ceo@example.com');
      const report = await ctx.sp.verify(forged, { trustAnchors: ctx.anchors });
      expect(report.status).toBe('valid');
      expect(report.from).toBe(FROM);
      expect(report.headerProtection!.outerDifferences).toEqual([{ name: 'From', outer: ['ceo@example.com'], expected: [FROM] }]);
    });

    it('a protected From that is not the signer is a spoof even when the outer From names the signer', async () => {
      const { alice } = ctx.pki.identities;
      const claimsCeo = textMessage({ from: 'ceo@example.com', to: TO, subject: SUBJECT });
      const signed = await ctx.sp.sign(claimsCeo, { signer: identityOf(alice), headerProtection: 'sign-only' });
      const report = await ctx.sp.verify(withOuterField(signed, 'From', FROM), { trustAnchors: ctx.anchors });
      expect(report.status).toBe('invalid');
      expect(report.from).toBe('ceo@example.com');
      expect(codes(report)).toContain('ERR_FROM_MISMATCH');
    });

    it('hp="cipher" on a payload that was only signed is reported as a mismatch and hides nothing', async () => {
      const { alice } = ctx.pki.identities;
      const payload = enc.encode(`Content-Type: text/plain; charset=utf-8; hp="cipher"\r\nFrom: ${FROM}\r\nTo: ${TO}\r\nSubject: ${SUBJECT}\r\nHP-Outer: From: ${FROM}\r\n\r\nHello\r\n`);
      const signed = await opensslSignSmime({ entity: payload, certPath: alice.certPath, keyPath: alice.keyPath, detached: true, headers: { from: FROM, to: TO, subject: '[...]' } });
      const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
      expect(report.status).toBe('valid');
      expect(report.headerProtection).toMatchObject({ hp: 'cipher', signed: true, encrypted: false, confidential: [] });
      expect(report.headerProtection!.errors?.map((e) => e.code)).toEqual(['ERR_HEADER_PROTECTION_MISMATCH']);
      expect(report.headerProtection!.outerDifferences).toContainEqual({ name: 'Subject', outer: ['[...]'], expected: [SUBJECT] });
    });

    it('multipart/alternative: both text parts carry the legacy display element, the HTML one escaped', async () => {
      const { bob } = ctx.pki.identities;
      const b = 'alt-7f2e';
      const alternative = enc.encode(
        `From: ${FROM}\r\nTo: ${TO}\r\nSubject: <Q3> & figures\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${b}"\r\n\r\n` +
          `--${b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPlain text.\r\n--${b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n` +
          `<html><body><p>HTML text.</p></body></html>\r\n--${b}--\r\n`,
      );
      const sealed = await ctx.sp.encrypt(alternative, { recipients: [bob.cert], headerProtection: 'encrypt' });
      const report = await ctx.sp.decrypt(sealed, { identity: identityOf(bob) });
      expect(report.headerProtection?.legacyDisplay).toEqual(['1', '2']);
      const [plain, html] = parseMime(report.content!).children;
      expect(dec.decode(plain!.body)).toBe('Subject: <Q3> & figures\r\n\r\nPlain text.');
      expect(dec.decode(html!.body)).toContain('<body><div class="header-protection-legacy-display"><pre>Subject: &lt;Q3&gt; &amp; figures</pre></div>');
      expect(textWithoutLegacyDisplay(plain!)).toBe('Plain text.');
      expect(textWithoutLegacyDisplay(html!)).toBe('<html><body><p>HTML text.</p></body></html>');
    });

    it('send: encrypted copies hide the Subject, a signed-only copy carries hp="clear", Bcc is in neither header', async () => {
      const { alice, bob } = ctx.pki.identities;
      const sent: SendRequest[] = [];
      const transport = {
        name: 'recording',
        async send(request: SendRequest) {
          sent.push(request);
          return { transport: 'recording', recipients: request.envelope.to.map((address) => ({ address, status: 'accepted' as const })) };
        },
      };
      // Only Bob has a certificate; the Bcc recipient gets the signed-only copy.
      const keystore = {
        get: async (address: string) => (address === TO ? { address, certificate: bob.cert, chain: [], smimeCapabilities: [], fingerprint: '', notBefore: new Date(0), notAfter: new Date(0) } : null),
      } as unknown as KeyStore;
      const sp = createSealpost({ backend: ctx.backend, transport, keystore, identity: identityOf(alice) });
      const report = await sp.send(message(['Bcc: carol@example.com']), { headerProtection: 'encrypt', missingCertificate: 'sign-only' });
      expect(report.recipients.map((r) => [r.address, r.status, r.encrypted])).toEqual([
        [TO, 'accepted', true],
        ['carol@example.com', 'accepted', false],
      ]);
      const [sealed, plain] = sent;
      expect(outerHeaderText(sealed!.message)).toContain('Subject: [...]\r\n');
      expect(outerHeaderText(plain!.message)).toContain(`Subject: ${SUBJECT}\r\n`);
      for (const request of sent) expect(dec.decode(request.message)).not.toContain('carol@');

      const opened = await ctx.sp.open(sealed!.message, { identities: [identityOf(bob)], trustAnchors: ctx.anchors });
      expect(opened.status).toBe('valid');
      expect(fieldsOf(opened.headerProtection)).toMatchObject({ subject: SUBJECT, to: TO });
      const verified = await ctx.sp.verify(plain!.message, { trustAnchors: ctx.anchors });
      expect(verified.status).toBe('valid');
      expect(verified.headerProtection).toMatchObject({ hp: 'clear', confidential: [], outerDifferences: [] });
    });

    it("'encrypt' on a message that is only signed is refused: it cannot hide anything", async () => {
      const { alice } = ctx.pki.identities;
      const error = await ctx.sp.sign(message(), { signer: identityOf(alice), headerProtection: 'encrypt' as 'sign-only' }).catch((e: unknown) => e);
      expect(isSealpostError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    });

    it('openssl cms reads it as a legacy client would: the signature verifies and the payload shows the real header', async () => {
      const { alice, bob } = ctx.pki.identities;
      const sealed = await ctx.sp.signAndEncrypt(message(), { signer: identityOf(alice), recipients: [bob.cert], headerProtection: 'encrypt', cipher: 'aes-256-cbc' });
      const decrypted = await opensslDecryptSmime({ eml: sealed, certPath: bob.certPath, keyPath: bob.keyPath });
      expect(decrypted.ok, decrypted.stderr).toBe(true);
      const verified = await opensslVerifySmime({ eml: decrypted.content!, caPath: ctx.pki.ca.certPath });
      expect(verified.ok, verified.stderr).toBe(true);
      const payload = dec.decode(verified.content);
      expect(payload).toMatch(/hp="cipher"/);
      expect(payload).toContain(`Subject: ${SUBJECT}\r\n`);
      expect(payload).toContain('HP-Outer: Subject: [...]\r\n');
      expect(payload).toContain(`\r\n\r\nSubject: ${SUBJECT}\r\n\r\nHello Bob,`);
    });

    it('reads a protected payload signed by openssl cms, binding the signer to its From', async () => {
      const { alice } = ctx.pki.identities;
      const payload = enc.encode(
        `Content-Type: text/plain; charset=us-ascii; hp="clear"\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nFrom: ${FROM}\r\nTo: ${TO}\r\n` +
          `Subject: ${SUBJECT}\r\nMessage-ID: <peer@example.com>\r\n\r\nSigned elsewhere.\r\n`,
      );
      const signed = await opensslSignSmime({ entity: payload, certPath: alice.certPath, keyPath: alice.keyPath, detached: false, headers: { from: 'someone@example.net', to: TO, subject: SUBJECT } });
      const report = await ctx.sp.verify(signed, { trustAnchors: ctx.anchors });
      expect(report.status).toBe('valid');
      expect(report.form).toBe('opaque');
      expect(report.from).toBe(FROM);
      expect(fieldsOf(report.headerProtection)).toMatchObject({ from: FROM, 'message-id': '<peer@example.com>' });
      expect(report.headerProtection!.outerDifferences).toContainEqual({ name: 'From', outer: ['someone@example.net'], expected: [FROM] });
    });
  });
}
