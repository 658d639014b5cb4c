import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost } from '@sealpost/core';
import { ensureTestPki } from '@sealpost/fixtures';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../test-support/smtp-test-server.js';
import { createSmtpTransport, type SmtpTransportOptions } from './index.js';

// RFC 5321 3.8 and 4.2.2: a server that cannot serve right now answers the connection with 421
// ("Service not available, closing transmission channel") instead of its 220 greeting, and the client
// is to try again later. Nothing was sent, so trying again is safe.

let certificate: ServerCertificate;
const servers: TestServer[] = [];
const busy = { code: 421, message: 'mail.example.com Service not available, too many connections, try later' };
const envelope = { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] };

beforeAll(async () => {
  certificate = await localhostCertificate();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(serverOptions: TestServerOptions, transportOptions: Partial<SmtpTransportOptions> = {}) {
  const smtp = await startTestServer({ certificate, ...serverOptions });
  servers.push(smtp);
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, retry: { attempts: 3, initialDelay: 20 }, ...transportOptions });
  return { smtp, transport };
}

describe('421 at the greeting', () => {
  it('is retried with the backoff, and the message is sent once the server takes connections', async () => {
    const { smtp, transport } = await setup({ greeting: (n) => (n <= 2 ? busy : undefined) });
    const result = await transport.send({ message: sampleMessage(), envelope });
    expect(result.recipients.map((r) => [r.address, r.status])).toEqual([
      ['bob@example.com', 'accepted'],
      ['carol@example.com', 'accepted'],
    ]);
    expect(smtp.counts.connections).toBe(3);
    expect(smtp.received).toHaveLength(1);
  });

  it('still there after the last try: every recipient deferred with the 421 and its text, after exactly retry.attempts connections', async () => {
    const { smtp, transport } = await setup({ greeting: () => busy }, { retry: { attempts: 3, initialDelay: 100 } });
    const started = Date.now();
    const result = await transport.send({ message: sampleMessage(), envelope });
    // 100 ms, then 200 ms between the three connections.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(result.recipients.map((r) => [r.address, r.status, r.code])).toEqual([
      ['bob@example.com', 'deferred', 421],
      ['carol@example.com', 'deferred', 421],
    ]);
    expect(result.recipients[0]!.response).toContain('Service not available');
    expect(smtp.counts.connections).toBe(3);
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('with a pool, also retried', async () => {
    const { smtp, transport } = await setup({ greeting: (n) => (n === 1 ? busy : undefined) }, { pool: { maxConnections: 1 } });
    const result = await transport.send({ message: sampleMessage(), envelope });
    await transport.close();
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(smtp.counts.connections).toBe(2);
  });

  it('an abort during the wait ends the send at once with ERR_ABORTED', async () => {
    const { smtp, transport } = await setup({ greeting: () => busy }, { retry: { attempts: 3, initialDelay: 10_000 } });
    const controller = new AbortController();
    const sending = transport.send({ message: sampleMessage(), envelope, signal: controller.signal });
    while (smtp.counts.connections === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    controller.abort();
    await rejectionOf(sending, 'ERR_ABORTED');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(smtp.counts.connections).toBe(1);
  });

  it('a 554 at the greeting (no SMTP service here) is not retried: nothing was sent, ERR_TRANSPORT_UNAVAILABLE', async () => {
    const { smtp, transport } = await setup({ greeting: () => ({ code: 554, message: 'No SMTP service here' }) });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_UNAVAILABLE');
    expect(error.detail).toMatchObject({ smtpCode: 554 });
    expect(smtp.counts.connections).toBe(1);
  });

  it('createSealpost(...).send reports the recipients deferred (a temporary outcome), not failed', async () => {
    const pki = await ensureTestPki();
    const { transport } = await setup({ greeting: () => busy }, { retry: { attempts: 2, initialDelay: 10 } });
    const alice = { certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.identities.alice.keyDer } };
    const sealpost = createSealpost({ backend: createPkijsBackend(), transport, identity: alice });
    const message = new TextEncoder().encode('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: busy\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n');
    const report = await sealpost.send(message, { encrypt: false });
    expect(report.recipients).toMatchObject([{ address: 'bob@example.com', status: 'deferred', code: 421 }]);
    expect(report.recipients[0]!.error).toBeUndefined();
  });
});
