import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { type Identity, createSealpost, decodeBody, inspectCms, parseMime, splitMessage } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { createMemoryKeyStore } from '@sealpost/keystore-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCertificate, type ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

// createSealpost(...).send end to end: key store lookup, per-recipient sealing, a real SMTP server.
describe('createSealpost send through SMTP', () => {
  let pki: TestPki;
  let certificate: ServerCertificate;
  let smtp: TestServer;
  const enc = new TextEncoder();
  const message = (headers: string) =>
    enc.encode(`From: Alice <alice@example.com>\r\n${headers}Subject: Quarterly figures\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRevenue is up.\r\n`);

  beforeAll(async () => {
    pki = await ensureTestPki();
    certificate = await makeServerCertificate();
    smtp = await startTestServer({ certificate, rcptTo: (address) => (address === 'nobody@example.com' ? { code: 550, message: 'no such user' } : undefined) });
  });
  afterAll(async () => {
    await smtp?.close();
  });

  const identityOf = (name: 'alice' | 'bob' | 'carol'): Identity => ({
    certificate: pki.identities[name].cert,
    privateKey: { type: 'pkcs8', der: pki.identities[name].keyDer },
  });

  /** The content cipher of a sent message, read from its CMS. */
  function cipherOf(bytes: Buffer): string | null {
    const split = splitMessage(new Uint8Array(bytes));
    const cms = inspectCms(decodeBody(parseMime(split.entity)));
    return cms.type === 'enveloped-data' || cms.type === 'auth-enveloped-data' ? cms.cipher : null;
  }

  async function setup() {
    const keystore = createMemoryKeyStore();
    await keystore.put({ address: 'bob@example.com', certificate: pki.identities.bob.cert, smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] });
    await keystore.put({ address: 'frank@example.com', certificate: pki.identities.frank.cert });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const sealpost = createSealpost({ backend: createPkijsBackend(), transport, keystore, identity: identityOf('alice') });
    return { sealpost, transport, keystore };
  }

  it('sends one sealed copy per recipient, Bcc out of the headers, each readable by its recipient and the sender', async () => {
    const { sealpost, transport } = await setup();
    const before = smtp.received.length;
    const report = await sealpost.send(message('To: bob@example.com\r\nBcc: frank@example.com\r\n'));
    await transport.close();
    expect(report.recipients.map((r) => [r.address, r.status, r.encrypted, r.cipher])).toEqual([
      ['bob@example.com', 'accepted', true, 'aes-256-gcm'],
      ['frank@example.com', 'accepted', true, 'aes-256-cbc'],
    ]);
    const received = smtp.received.slice(before);
    expect(received.map((m) => m.to)).toEqual([['bob@example.com'], ['frank@example.com']]);
    for (const m of received) expect(m.bytes.toString('latin1')).not.toMatch(/^Bcc:/im);
    const anchors = [pki.ca.cert];
    const bob = await sealpost.open(new Uint8Array(received[0]!.bytes), { identities: [identityOf('bob')], trustAnchors: anchors });
    expect(bob.status).toBe('valid');
    const frank = await sealpost.open(new Uint8Array(received[1]!.bytes), {
      identities: [{ certificate: pki.identities.frank.cert, privateKey: { type: 'pkcs8', der: pki.identities.frank.keyDer } }],
      trustAnchors: anchors,
    });
    expect(frank.status).toBe('valid');
    const senderCopy = await sealpost.open(new Uint8Array(received[0]!.bytes), { identities: [identityOf('alice')], trustAnchors: anchors });
    expect(senderCopy.status).toBe('valid');
  });

  it('refuses before sending anything when a recipient has no certificate', async () => {
    const { sealpost, transport } = await setup();
    const before = smtp.dataEnvelopes.length;
    await expect(sealpost.send(message('To: bob@example.com, carol@example.com\r\n'))).rejects.toMatchObject({ code: 'ERR_NO_CERTIFICATE' });
    await transport.close();
    expect(smtp.dataEnvelopes.length).toBe(before);
  });

  it('sends signed only to recipients without a certificate when asked', async () => {
    const { sealpost, transport } = await setup();
    const report = await sealpost.send(message('To: bob@example.com, carol@example.com\r\n'), { missingCertificate: 'sign-only' });
    await transport.close();
    expect(report.recipients.map((r) => [r.address, r.status, r.encrypted, r.signed])).toEqual([
      ['bob@example.com', 'accepted', true, true],
      ['carol@example.com', 'accepted', false, true],
    ]);
  });

  it('reports a rejected recipient with the server reply and still delivers to the others', async () => {
    const { sealpost, transport } = await setup();
    const report = await sealpost.send(message('To: bob@example.com, nobody@example.com\r\n'), { encrypt: false });
    await transport.close();
    const byAddress = Object.fromEntries(report.recipients.map((r) => [r.address, r]));
    expect(byAddress['bob@example.com']!.status).toBe('accepted');
    expect(byAddress['nobody@example.com']!.status).toBe('rejected');
    expect(byAddress['nobody@example.com']!.code).toBe(550);
  });

  it('sends each mailbox of a long list once, in header order: domains compared without case, local parts exactly', async () => {
    const { sealpost, transport } = await setup();
    const many = Array.from({ length: 400 }, (_, i) => `reader${i}@example.com`);
    const before = smtp.received.length;
    const headers = `To: bob@EXAMPLE.com, ${many.join(', ')}\r\nCc: Bob <bob@example.com>, BOB@example.com, ${many
      .slice(0, 50)
      .map((a) => a.replace('example.com', 'Example.Com'))
      .join(', ')}\r\n`;
    const report = await sealpost.send(message(headers), { missingCertificate: 'sign-only' });
    await transport.close();
    // The parser writes domains in lower case; the local part keeps its case, so BOB is someone else.
    expect(report.recipients.map((r) => r.address)).toEqual(['bob@example.com', ...many, 'BOB@example.com']);
    expect(report.recipients.every((r) => r.status === 'accepted' && r.signed)).toBe(true);
    expect(report.recipients.filter((r) => r.encrypted).map((r) => r.address)).toEqual(['bob@example.com']);
    const received = smtp.received.slice(before);
    expect(received.map((m) => m.to.length).sort((a, b) => a - b)).toEqual([1, many.length + 1]);
  });

  it("chooses each recipient's cipher from what it advertised, and says where that came from", async () => {
    const { sealpost, transport, keystore } = await setup();
    const dave = await generateTestIdentity({ email: 'dave@example.com', smimeCapabilities: ['aes-128-gcm', 'aes-256-cbc'] });
    await keystore.put({ address: 'dave@example.com', certificate: dave.certificate });
    const before = smtp.received.length;
    const report = await sealpost.send(message('To: bob@example.com, frank@example.com, dave@example.com\r\n'));
    await transport.close();
    // bob: his signed mail, as the key store kept it; dave: his certificate's extension; frank: nothing known.
    expect(report.recipients.map((r) => [r.address, r.status, r.cipher, r.capabilities])).toEqual([
      ['bob@example.com', 'accepted', 'aes-256-gcm', 'key-store'],
      ['frank@example.com', 'accepted', 'aes-256-cbc', 'unknown'],
      ['dave@example.com', 'accepted', 'aes-128-gcm', 'certificate'],
    ]);
    const sealedWith = smtp.received.slice(before).map((m) => cipherOf(m.bytes));
    expect(sealedWith).toEqual(['aes-256-gcm', 'aes-256-cbc', 'aes-128-gcm']);
  });

  it('cipherUnknown picks the cipher for recipients whose capabilities are unknown; cipher forces one for all', async () => {
    const { sealpost, transport } = await setup();
    const before = smtp.received.length;
    const chosen = await sealpost.send(message('To: bob@example.com, frank@example.com\r\n'), { cipherUnknown: 'aes-128-cbc' });
    expect(chosen.recipients.map((r) => [r.address, r.cipher, r.capabilities])).toEqual([
      ['bob@example.com', 'aes-256-gcm', 'key-store'],
      ['frank@example.com', 'aes-128-cbc', 'unknown'],
    ]);
    const forced = await sealpost.send(message('To: bob@example.com, frank@example.com\r\n'), { cipher: 'aes-128-gcm', cipherUnknown: 'aes-128-cbc' });
    await transport.close();
    expect(forced.recipients.map((r) => [r.address, r.cipher, r.capabilities])).toEqual([
      ['bob@example.com', 'aes-128-gcm', 'key-store'],
      ['frank@example.com', 'aes-128-gcm', 'unknown'],
    ]);
    expect(smtp.received.slice(before).map((m) => cipherOf(m.bytes))).toEqual(['aes-256-gcm', 'aes-128-cbc', 'aes-128-gcm', 'aes-128-gcm']);
  });

  it('refuses to sign as someone the certificate does not name', async () => {
    const keystore = createMemoryKeyStore();
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const sealpost = createSealpost({ backend: createPkijsBackend(), transport, keystore, identity: identityOf('bob') });
    await expect(sealpost.send(message('To: carol@example.com\r\n'), { encrypt: false })).rejects.toMatchObject({ code: 'ERR_FROM_MISMATCH' });
    await transport.close();
  });
});
