import { randomBytes } from 'node:crypto';
import { type ContentCipher, type CryptoBackend, type KeyStore, type SendRecipientReport, type Transport, createSealpost, getHeader, parseMime } from '@sealpost/core';
import { createSmtpTransport } from '@sealpost/transport-smtp';
import { createSparkPostTransport } from '@sealpost/transport-sparkpost';
import type { DemoContext } from './context.js';
import { composeDemoMessage } from './message.js';
import { startSmtpSink } from './smtp-sink.js';
import { startSparkPostSink } from './sparkpost-sink.js';
import { makeLocalhostCertificate } from './tls-certificate.js';

export interface ReceivedCopy {
  readonly transport: 'sparkpost' | 'smtp';
  readonly bytes: Uint8Array;
}

/** The Subject of Alice's message: only Bob can read it (header protection). */
export const DEMO_SUBJECT = 'Contract, signed and sealed';

/** Alice's message to Bob: an 8-bit attachment, so signing has to protect it with base64 first. */
export function aliceToBob(): Uint8Array {
  return composeDemoMessage({
    from: 'Alice <alice@example.com>',
    to: 'Bob <bob@example.com>',
    subject: DEMO_SUBJECT,
    text: 'Hi Bob,\n\nthe contract is attached. Only you can read this, and you can check it is from me.\n\nAlice',
  });
}

/**
 * Step 3: Alice sends Bob a signed and encrypted message through both transports, each to a local
 * server that stands in for the real service: SparkPost's Transmissions API over HTTP, and an SMTP
 * submission server that requires STARTTLS with a certificate made for this run.
 */
export async function deliverToBob(ctx: DemoContext, backend: CryptoBackend, keystore: KeyStore, cipher: ContentCipher): Promise<ReceivedCopy[]> {
  const message = aliceToBob();
  await ctx.say(
    `3. Alice writes to Bob (text and an attachment of 8-bit UTF-8 bytes, ${message.length} bytes) and sends it with\n` +
      '   Sealpost: signed once with her key, then encrypted for Bob to the certificate the collector stored,\n' +
      "   with the strongest cipher his signature advertised, and to Alice's own certificate so her sent copy\n" +
      '   stays readable. Its header fields travel inside the signature and the encryption too (RFC 9788 header\n' +
      '   protection): the servers on the way see "Subject: [...]", only Bob reads the real Subject.\n',
  );
  const copies: ReceivedCopy[] = [];

  const apiKey = randomBytes(20).toString('hex');
  const sparkpost = await startSparkPostSink(apiKey);
  try {
    const report = await sendThrough(ctx, backend, keystore, createSparkPostTransport({ apiKey, baseUrl: sparkpost.baseUrl }), message);
    const received = sparkpost.received[0];
    await ctx.say(`   a. SparkPost transport, to a local server speaking the Transmissions API at ${sparkpost.baseUrl}:\n      ${outcome(report)}\n`);
    ctx.expect(report?.status === 'accepted', `the SparkPost transport should be accepted, was ${report?.status ?? 'missing'}`);
    ctx.expect(report?.cipher === cipher, `the message should be encrypted with ${cipher}, was ${report?.cipher ?? 'not encrypted'}`);
    ctx.expect(sparkpost.received.length === 1 && received?.recipients.join() === 'bob@example.com', 'the SparkPost server should get one transmission, to bob@example.com');
    ctx.expect(received?.openTracking === false && received.clickTracking === false, 'tracking must be off: it would rewrite signed content');
    if (received !== undefined) copies.push({ transport: 'sparkpost', bytes: received.rfc822 });
  } finally {
    await sparkpost.close();
  }

  const certificate = makeLocalhostCertificate();
  const smtp = await startSmtpSink(certificate);
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'require', ca: certificate.certPem, name: 'localhost' });
  try {
    const report = await sendThrough(ctx, backend, keystore, transport, message);
    const received = smtp.received[0];
    await ctx.say(
      `   b. SMTP transport, to a local SMTP server on port ${smtp.port}; STARTTLS required, the server's certificate\n` +
        `      (made for localhost just now) verified against itself as the only CA:\n      ${outcome(report)}\n`,
    );
    ctx.expect(report?.status === 'accepted', `the SMTP transport should be accepted, was ${report?.status ?? 'missing'}`);
    ctx.expect(smtp.received.length === 1 && received?.to.join() === 'bob@example.com' && received.secure, 'the SMTP server should get one message for bob@example.com over TLS');
    if (received !== undefined) {
      copies.push({ transport: 'smtp', bytes: received.bytes });
      const subject = outerSubject(received.bytes);
      await ctx.say(`      What the SMTP server could read of the Subject: "${subject ?? '(none)'}".\n\n`);
      ctx.expect(subject === '[...]', `the SMTP server should see the Subject as [...], saw ${subject ?? 'none'}`);
    }
  } finally {
    await transport.close();
    await smtp.close();
  }
  return copies;
}

async function sendThrough(ctx: DemoContext, backend: CryptoBackend, keystore: KeyStore, transport: Transport, message: Uint8Array): Promise<SendRecipientReport | undefined> {
  const sealpost = createSealpost({ backend, transport, keystore, identity: ctx.cast.alice });
  const report = await sealpost.send(message, { headerProtection: 'encrypt' });
  return report.recipients[0];
}

/** The Subject of a message's outer header, as every server on the way reads it. */
function outerSubject(message: Uint8Array): string | undefined {
  return getHeader(parseMime(message), 'subject');
}

function outcome(report: SendRecipientReport | undefined): string {
  if (report === undefined) return 'no report';
  const sealed = [report.signed ? 'signed' : 'NOT signed', report.encrypted ? `encrypted with ${report.cipher ?? '?'}${cipherSource(report)}` : 'NOT encrypted'].join(', ');
  const detail = report.error === undefined ? (report.response ?? (report.id === undefined ? '' : `id ${report.id}`)) : `${report.error.message} [${report.error.code}]`;
  return `${report.address} ${report.status} (${sealed})${detail === '' ? '' : `: ${detail}`}`;
}

/** Where the cipher came from, as send() reported it. */
function cipherSource(report: SendRecipientReport): string {
  if (report.capabilities === 'key-store') return ', as his signed mail advertised';
  if (report.capabilities === 'certificate') return ', as his certificate advertises';
  return report.capabilities === 'unknown' ? ', capabilities unknown' : '';
}
