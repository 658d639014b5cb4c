import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

const PASSWORD = 'Tr0ub4dor&3-secret';
const envelope = { from: 'alice@example.com', to: ['bob@example.com'] };
let certificate: ServerCertificate;
const servers: TestServer[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: TestServerOptions): Promise<TestServer> {
  const started = await startTestServer({ certificate, ...options });
  servers.push(started);
  return started;
}

/** Everything an error could show: message, stack, JSON, detail, cause chain, util.inspect. */
function everythingShownBy(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })].join('\n');
}

describe('AUTH', () => {
  it.each(['PLAIN', 'LOGIN'] as const)('logs in with %s after STARTTLS', async (method) => {
    const smtp = await server({ users: { alice: PASSWORD }, authMethods: [method] });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, auth: { user: 'alice', pass: PASSWORD } });
    await transport.send({ message: sampleMessage(), envelope });
    expect(smtp.received[0]).toMatchObject({ user: 'alice', secure: true });
  });

  it('uses the mechanism asked for', async () => {
    const smtp = await server({ users: { alice: PASSWORD } });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, auth: { user: 'alice', pass: PASSWORD, method: 'LOGIN' } });
    await transport.send({ message: sampleMessage(), envelope });
    expect(smtp.received[0]?.user).toBe('alice');
  });

  it('reads percent-encoded credentials from the url', async () => {
    const smtp = await server({ users: { 'alice@example.com': 'p@ss:w/rd' } });
    const transport = createSmtpTransport({ url: `smtp://alice%40example.com:p%40ss%3Aw%2Frd@127.0.0.1:${smtp.port}`, ca: certificate.certPem });
    await transport.send({ message: sampleMessage(), envelope });
    expect(smtp.received[0]?.user).toBe('alice@example.com');
  });

  it('fails with ERR_TRANSPORT_AUTH on a wrong password, and the password appears nowhere in the error', async () => {
    const smtp = await server({ users: { alice: 'the right one' } });
    const transport = createSmtpTransport({ url: `smtp://alice:${encodeURIComponent(PASSWORD)}@127.0.0.1:${smtp.port}`, ca: certificate.certPem });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_AUTH');
    expect(error.message).toMatch(/535/);
    const shown = everythingShownBy(error);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(encodeURIComponent(PASSWORD));
    expect(shown).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('keeps the password out of the transport object', () => {
    const transport = createSmtpTransport({ url: `smtp://alice:${encodeURIComponent(PASSWORD)}@mail.example.com:587` });
    expect(inspect(transport, { depth: 10, showHidden: true })).not.toContain(PASSWORD);
    expect(JSON.stringify(transport)).not.toContain(PASSWORD);
  });

  it('fails when credentials are given but the server offers no AUTH', async () => {
    const smtp = await server({});
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, auth: { user: 'alice', pass: PASSWORD } });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_AUTH');
    expect(error.message).toMatch(/offers no AUTH/);
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('reports a server that wants a login (530) as ERR_TRANSPORT_AUTH, not as rejected recipients', async () => {
    const smtp = await server({ users: { alice: PASSWORD } });
    const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope }), 'ERR_TRANSPORT_AUTH');
    expect(error.message).toMatch(/530/);
    expect(smtp.received).toHaveLength(0);
  });
});
