import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost, type Identity } from '@sealpost/core';
import { ensureTestPki, opensslDecryptSmime, opensslVerifySmime, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

let pki: TestPki;
let alice: Identity;
let certificate: ServerCertificate;
let smtp: TestServer;

beforeAll(async () => {
  [pki, certificate] = await Promise.all([ensureTestPki(), localhostCertificate()]);
  alice = { certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8', der: pki.identities.alice.keyDer } };
  smtp = await startTestServer({ certificate, users: { alice: 'correct horse' } });
});

afterAll(async () => {
  await smtp.close();
});

// Lines a careless client or server would change: a dot first (dot-stuffing), a lone dot (the end
// of DATA if not stuffed), trailing spaces, a long line, and a "From " line some MTAs escape.
function messageWithTrickyLines(): Uint8Array {
  const lines = [
    'From: alice@example.com',
    'To: bob@example.com',
    'Subject: byte-exact',
    'Message-ID: <byte-exact@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'First line.',
    '.starts with a dot',
    '.',
    '..',
    'trailing spaces   ',
    'From the beginning of a line',
    'x'.repeat(900),
    'last line',
    '',
  ];
  return new TextEncoder().encode(lines.join('\r\n'));
}

async function sendThroughServer(message: Uint8Array): Promise<Uint8Array> {
  const transport = createSmtpTransport({ url: `smtp://alice:correct%20horse@127.0.0.1:${smtp.port}`, ca: certificate.certPem });
  const before = smtp.received.length;
  const result = await transport.send({ message, envelope: { from: 'alice@example.com', to: ['bob@example.com'] }, sealed: true });
  await transport.close();
  expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
  const received = smtp.received[before];
  if (received === undefined) throw new Error('the server received nothing');
  return new Uint8Array(received.bytes);
}

describe('the server receives exactly the bytes given', () => {
  it('for a plain message with lines that need dot-stuffing', async () => {
    const message = sampleMessage();
    expect(await sendThroughServer(message)).toEqual(message);
  });

  it('for a message with 8-bit bytes (sent with BODY=8BITMIME)', async () => {
    const message = new TextEncoder().encode('Subject: 8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u00fc\u00dfe, \u00e9t\u00e9\r\n');
    expect(await sendThroughServer(message)).toEqual(message);
  });

  it('for a message without a final CRLF, which SMTP has to end with one', async () => {
    const message = new TextEncoder().encode('Subject: x\r\n\r\nno line end');
    expect(new TextDecoder().decode(await sendThroughServer(message))).toBe('Subject: x\r\n\r\nno line end\r\n');
  });

  it('for a multipart/signed message, which openssl cms then verifies', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const signed = await sealpost.sign(messageWithTrickyLines(), { signer: alice });
    const received = await sendThroughServer(signed);

    expect(Buffer.from(received).equals(Buffer.from(signed))).toBe(true);
    const peer = await opensslVerifySmime({ eml: received, caPath: pki.ca.certPath });
    expect(peer.ok, peer.stderr).toBe(true);
    const report = await sealpost.verify(received, { trustAnchors: [pki.ca.cert] });
    expect(report.status).toBe('valid');
  });

  it('for an opaque signed-and-encrypted message, which openssl cms decrypts', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const sealed = await sealpost.signAndEncrypt(messageWithTrickyLines(), { signer: alice, recipients: [pki.identities.bob.cert] });
    const received = await sendThroughServer(sealed);

    expect(Buffer.from(received).equals(Buffer.from(sealed))).toBe(true);
    const peer = await opensslDecryptSmime({ eml: received, certPath: pki.identities.bob.certPath, keyPath: pki.identities.bob.keyPath });
    expect(peer.ok, peer.stderr).toBe(true);
  });

  it('and the tampered case fails, so the check above can fail', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const signed = await sealpost.sign(messageWithTrickyLines(), { signer: alice });
    const received = await sendThroughServer(signed);
    const text = new TextDecoder().decode(received).replace('.starts with a dot', '..starts with a dot');
    const peer = await opensslVerifySmime({ eml: new TextEncoder().encode(text), caPath: pki.ca.certPath });
    expect(peer.ok).toBe(false);
  });
});

describe('messages SMTP cannot carry unchanged are refused before connecting', () => {
  it.each([
    ['a bare LF', 'Subject: x\r\n\r\nline\nline\r\n'],
    ['a bare CR', 'Subject: x\r\n\r\nline\rline\r\n'],
    ['a NUL byte', 'Subject: x\r\n\r\nline\u0000\r\n'],
  ])('%s', async (_name, text) => {
    const connections = smtp.counts.connections;
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const error: unknown = await transport.send({ message: new TextEncoder().encode(text), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(smtp.counts.connections).toBe(connections);
  });
});
