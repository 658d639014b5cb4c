import { afterEach, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import { makeServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
const servers: TestServer[] = [];

async function server(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const started = await startTestServer(options);
  servers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("tls 'require' (the default)", () => {
  it('sends over STARTTLS when the certificate verifies against ca', async () => {
    const certificate = await localhostCertificate();
    const smtp = await server({ certificate });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const result = await transport.send({ message: sampleMessage(), envelope });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.secure).toBe(true);
  });

  it('also verifies for the name given as servername', async () => {
    const certificate = await localhostCertificate();
    const smtp = await server({ certificate });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, servername: 'localhost' });
    await transport.send({ message: sampleMessage(), envelope });
    expect(smtp.received[0]?.secure).toBe(true);
  });

  it('fails, and sends nothing, when the server does not offer STARTTLS', async () => {
    const certificate = await localhostCertificate();
    const smtp = await server({ hideStartTls: true });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(error.message).toMatch(/STARTTLS/);
    expect(smtp.counts.mailFrom).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('never sends credentials when STARTTLS is missing', async () => {
    const smtp = await server({ hideStartTls: true, users: { alice: 'pw-never-sent' } });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, auth: { user: 'alice', pass: 'pw-never-sent' } });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(smtp.counts.auth).toBe(0);
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('fails when the certificate is not trusted (no ca: the system roots do not know it)', async () => {
    const smtp = await server({ certificate: await localhostCertificate() });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(error.message).toMatch(/certificate/i);
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('fails when the certificate is signed by someone other than ca', async () => {
    const [trusted, presented] = await Promise.all([localhostCertificate(), makeServerCertificate()]);
    const smtp = await server({ certificate: presented });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: trusted.certPem });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('fails when the certificate is for another name', async () => {
    const other = await makeServerCertificate('DNS:mail.example.net', 'mail.example.net');
    const smtp = await server({ certificate: other });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: other.certPem });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(error.message).toMatch(/altnames|does not match/i);
    expect(smtp.counts.mailFrom).toBe(0);
  });
});

describe("tls 'opportunistic'", () => {
  it('sends in plaintext when the server offers no STARTTLS', async () => {
    const smtp = await server({ hideStartTls: true });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'opportunistic' });
    const result = await transport.send({ message: sampleMessage(), envelope });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
    expect(smtp.received[0]?.secure).toBe(false);
  });

  it('uses STARTTLS when offered, without verifying the certificate', async () => {
    const smtp = await server({ certificate: await makeServerCertificate() });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'opportunistic' });
    await transport.send({ message: sampleMessage(), envelope });
    expect(smtp.received[0]?.secure).toBe(true);
  });

  it('refuses to send credentials over plaintext', async () => {
    const smtp = await server({ hideStartTls: true, users: { alice: 'pw-never-sent' } });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'opportunistic', auth: { user: 'alice', pass: 'pw-never-sent' } });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(error.message).toMatch(/credentials/);
    expect(smtp.counts.auth).toBe(0);
    expect(smtp.counts.mailFrom).toBe(0);
  });
});

describe("tls 'implicit'", () => {
  it('speaks TLS from the first byte (smtps:// url)', async () => {
    const certificate = await localhostCertificate();
    const smtp = await server({ certificate, implicitTls: true, users: { alice: 'implicit pw' } });
    const transport = createSmtpTransport({ url: `smtps://alice:implicit%20pw@127.0.0.1:${smtp.port}`, ca: certificate.certPem });
    const result = await transport.send({ message: sampleMessage(), envelope });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
    expect(smtp.received[0]).toMatchObject({ secure: true, user: 'alice' });
  });

  it('fails against a server that is not speaking TLS', async () => {
    const smtp = await server({ hideStartTls: true });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'implicit', timeouts: { connection: 5_000, greeting: 5_000 } });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('fails when the certificate is not trusted', async () => {
    const smtp = await server({ certificate: await localhostCertificate(), implicitTls: true });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, tls: 'implicit' });
    await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_TLS');
    expect(smtp.counts.mailFrom).toBe(0);
  });
});
