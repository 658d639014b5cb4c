import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startSilentServer, startTestServer, type TestServer, type TestServerOptions } from '../test-support/smtp-test-server.js';
import { createSmtpTransport, type SmtpErrorDetail } from './index.js';

const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
let certificate: ServerCertificate;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function server(options: TestServerOptions): Promise<TestServer> {
  const started = await startTestServer({ certificate, ...options });
  cleanups.push(() => started.close());
  return started;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('timeouts', () => {
  it('gives up on a server that never greets after timeouts.greeting', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const transport = createSmtpTransport({ host: '127.0.0.1', port: silent.port, timeouts: { greeting: 300 } });
    const started = Date.now();
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TIMEOUT');
    const elapsed = Date.now() - started;
    expect(error.message).toMatch(/no greeting within 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('gives up on a server that stops answering after timeouts.socket, and the outcome is unknown', async () => {
    const smtp = await server({ data: () => ({ kind: 'hang' }) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, timeouts: { socket: 400 } });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect((error.detail as unknown as SmtpErrorDetail).outcomeUnknown).toEqual(['bob@example.com']);
  });

  it('reports a refused connection as ERR_TRANSPORT_UNAVAILABLE', async () => {
    const transport = createSmtpTransport({ host: '127.0.0.1', port: await closedPort() });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_UNAVAILABLE');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('AbortSignal', () => {
  it('refuses to start with an aborted signal', async () => {
    const smtp = await server({});
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope, signal: AbortSignal.abort() }), 'ERR_ABORTED');
    expect(smtp.counts.connections).toBe(0);
  });

  it('stops waiting for a greeting', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const transport = createSmtpTransport({ host: '127.0.0.1', port: silent.port });
    const started = Date.now();
    await rejectionOf(transport.send({ message: sampleMessage(), envelope, signal: AbortSignal.timeout(200) }), 'ERR_ABORTED');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops the wait between retries and still reports what was accepted', async () => {
    const smtp = await server({ rcptTo: (address) => (address === 'grey@example.com' ? { code: 451, message: 'later' } : undefined) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, retry: { initialDelay: 60_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const error = await rejectionOf(
      transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com', 'grey@example.com'] }, signal: controller.signal }),
      'ERR_ABORTED',
    );
    const detail = error.detail as unknown as SmtpErrorDetail;
    expect(detail.recipients.map((r) => [r.address, r.status])).toEqual([
      ['bob@example.com', 'accepted'],
      ['grey@example.com', 'deferred'],
    ]);
  });

  it('during the message leaves the outcome unknown, never "sent"', async () => {
    const smtp = await server({ data: () => ({ kind: 'hang' }) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const controller = new AbortController();
    const sending = transport.send({ message: sampleMessage(), envelope, signal: controller.signal });
    // Abort only once the server has the message (DATA): before that the outcome is known (not sent).
    // No fixed cap on the wait: on a loaded machine the handshake can take longer than any guess, and the
    // test's own timeout bounds it.
    while (smtp.dataEnvelopes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await rejectionOf(sending, 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(error.message).toMatch(/aborted/);
  });

  it('takes a send out of the pool queue', async () => {
    const smtp = await server({ data: (n) => (n === 1 ? { kind: 'hang' } : { kind: 'accept' }) });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, pool: { maxConnections: 1 }, timeouts: { socket: 1_000 } });
    const first = transport.send({ message: sampleMessage(), envelope }).catch((e: unknown) => e);
    await rejectionOf(transport.send({ message: sampleMessage(), envelope, signal: AbortSignal.timeout(200) }), 'ERR_ABORTED');
    expect(await first).toMatchObject({ code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN' });
    await transport.close();
  });
});
