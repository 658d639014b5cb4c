import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

let certificate: ServerCertificate;
const servers: TestServer[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer({ certificate, ...options });
  servers.push(started);
  return started;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('connection pooling', () => {
  it('sends 20 messages over at most 2 connections, each replaced after maxMessages', async () => {
    const smtp = await server({ users: { bulk: 'bulk password' } });
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: smtp.port,
      ca: certificate.certPem,
      auth: { user: 'bulk', pass: 'bulk password' },
      pool: { maxConnections: 2, maxMessages: 5 },
    });
    const sends = Array.from({ length: 20 }, (_, i) => transport.send({ message: sampleMessage(`bulk ${i}`), envelope: { from: 'alice@example.com', to: [`r${i}@example.com`] } }));
    const results = await Promise.all(sends);

    expect(results.every((r) => r.recipients.every((x) => x.status === 'accepted'))).toBe(true);
    expect(smtp.received).toHaveLength(20);
    expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(20);
    expect(smtp.counts.maxConcurrent).toBe(2);
    // 20 messages, 5 per connection.
    expect(smtp.counts.connections).toBe(4);
    expect(smtp.counts.auth).toBe(4);

    await transport.close();
    await until(() => smtp.open() === 0);
    expect(smtp.open()).toBe(0);
  });

  it('keeps connections open between sends until close()', async () => {
    const smtp = await server();
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: true });
    for (let i = 0; i < 3; i += 1) await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    expect(smtp.counts.connections).toBe(1);
    expect(smtp.open()).toBe(1);
    await transport.close();
    await until(() => smtp.open() === 0);
    expect(smtp.open()).toBe(0);
  });

  it('lets sends in flight finish on close(), and refuses new ones', async () => {
    const smtp = await server();
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: { maxConnections: 1 } });
    const inFlight = transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    const closing = transport.close();
    await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_TRANSPORT_UNAVAILABLE');
    expect((await inFlight).recipients[0]?.status).toBe('accepted');
    await closing;
  });

  it('replaces a pooled connection the server closed while it was idle', async () => {
    const smtp = await server();
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: true });
    await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    smtp.dropConnections();
    await until(() => smtp.open() === 0);
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    expect(result.recipients[0]?.status).toBe('accepted');
    expect(smtp.counts.connections).toBe(2);
    await transport.close();
  });

  it('moves a transaction to a new connection when a reused one dies before the message', async () => {
    const smtp = await server({ mailFrom: (n) => (n === 2 ? 'drop' : undefined) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: true });
    await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    expect(result.recipients[0]?.status).toBe('accepted');
    expect(smtp.counts.mailFrom).toBe(3);
    expect(smtp.received).toHaveLength(2);
    await transport.close();
  });

  it('does not do so once the message went out: the outcome is unknown, and it is sent only once', async () => {
    const smtp = await server({ data: (n) => (n === 2 ? { kind: 'drop-after-message' } : { kind: 'accept' }) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: true });
    await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(smtp.dataEnvelopes).toHaveLength(2);
    await transport.close();
  });

  it('does not do so for a new connection', async () => {
    const smtp = await server({ mailFrom: () => 'drop' });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: true });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_TRANSPORT_UNAVAILABLE');
    expect(smtp.counts.mailFrom).toBe(1);
    await transport.close();
  });
});
