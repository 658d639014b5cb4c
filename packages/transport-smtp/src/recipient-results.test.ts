import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf, sampleMessage } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../test-support/smtp-test-server.js';
import { createSmtpTransport, type SmtpErrorDetail, type SmtpTransportOptions } from './index.js';

let certificate: ServerCertificate;
const servers: TestServer[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(serverOptions: TestServerOptions, transportOptions: Partial<SmtpTransportOptions> = {}) {
  const smtp = await startTestServer({ certificate, ...serverOptions });
  servers.push(smtp);
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, retry: { initialDelay: 20 }, ...transportOptions });
  return { smtp, transport };
}

const replies = {
  unknownUser: { code: 550, message: '5.1.1 No such user' },
  greylisted: { code: 451, message: '4.7.1 Greylisted, try again later' },
};

describe('per-recipient results', () => {
  it('reports accepted, rejected (5xx) and deferred (4xx after the last try) separately', async () => {
    const { smtp, transport } = await setup({
      rcptTo: (address, seen) => {
        if (address === 'nobody@example.com') return replies.unknownUser;
        if (address === 'grey@example.com' && seen === 1) return replies.greylisted;
        if (address === 'busy@example.com') return replies.greylisted;
        return undefined;
      },
    });
    const to = ['bob@example.com', 'nobody@example.com', 'grey@example.com', 'busy@example.com'];
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to } });

    expect(result.transport).toBe('smtp');
    expect(result.recipients.map((r) => [r.address, r.status, r.code])).toEqual([
      ['bob@example.com', 'accepted', 250],
      ['nobody@example.com', 'rejected', 550],
      ['grey@example.com', 'accepted', 250],
      ['busy@example.com', 'deferred', 451],
    ]);
    expect(result.recipients[1]?.response).toMatch(/No such user/);
    expect(result.recipients[3]?.response).toMatch(/Greylisted/);
    expect(result.id).toBe('TEST0001');

    // The retries carried only the deferred recipients: nobody got the message twice.
    expect(smtp.received.map((m) => m.to)).toEqual([['bob@example.com'], ['grey@example.com']]);
    // Three tries (the default) for the recipient that stayed deferred, one for the 5xx.
    expect(smtp.counts.rcpt).toBe(4 + 2 + 1);
  });

  it('reports every recipient rejected when all of them are refused, without retrying 5xx', async () => {
    const { smtp, transport } = await setup({ rcptTo: () => replies.unknownUser });
    const to = ['x@example.com', 'y@example.com'];
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to } });
    expect(result.recipients.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(smtp.counts.mailFrom).toBe(1);
    expect(smtp.received).toHaveLength(0);
  });

  it('retries a 4xx to MAIL FROM and then sends', async () => {
    const { smtp, transport } = await setup({ mailFrom: (n) => (n === 1 ? { code: 421, message: '4.3.2 Try again later' } : undefined) });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
    expect(smtp.counts.mailFrom).toBe(2);
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a 4xx reply to the message itself, then sends once', async () => {
    const { smtp, transport } = await setup({ data: (n) => (n === 1 ? { kind: 'reply', reply: { code: 452, message: '4.3.1 Insufficient storage' } } : { kind: 'accept' }) });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] } });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(smtp.dataEnvelopes).toHaveLength(2);
    expect(smtp.received).toHaveLength(1);
  });

  it('reports a 5xx reply to the message as rejected for every recipient, without retrying', async () => {
    const { smtp, transport } = await setup({ data: () => ({ kind: 'reply', reply: { code: 554, message: '5.7.1 Message content rejected' } }) });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] } });
    expect(result.recipients.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 554],
      ['rejected', 554],
    ]);
    expect(smtp.dataEnvelopes).toHaveLength(1);
  });

  it('keeps a recipient its own RCPT refusal when the message is then refused', async () => {
    const { transport } = await setup({
      rcptTo: (address) => (address === 'nobody@example.com' ? replies.unknownUser : undefined),
      data: () => ({ kind: 'reply', reply: { code: 451, message: '4.3.0 Temporary failure' } }),
    });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com', 'nobody@example.com'] } });
    expect(result.recipients.map((r) => [r.address, r.status, r.code])).toEqual([
      ['bob@example.com', 'deferred', 451],
      ['nobody@example.com', 'rejected', 550],
    ]);
  });

  it('tries once with retry.attempts 1', async () => {
    const { smtp, transport } = await setup({ rcptTo: () => replies.greylisted }, { retry: { attempts: 1 } });
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    expect(result.recipients.map((r) => r.status)).toEqual(['deferred']);
    expect(smtp.counts.rcpt).toBe(1);
  });

  it('waits longer before each retry', async () => {
    const { transport } = await setup({ rcptTo: () => replies.greylisted }, { retry: { attempts: 3, initialDelay: 150 } });
    const started = Date.now();
    await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
    // 150 ms, then 300 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('refuses a message larger than the SIZE the server announced, before sending it', async () => {
    const { smtp, transport } = await setup({ size: 100 });
    const big = new TextEncoder().encode(`Subject: big\r\n\r\n${'x'.repeat(200)}\r\n`);
    await rejectionOf(transport.send({ message: big, envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_MESSAGE_TOO_LARGE');
    expect(smtp.counts.mailFrom).toBe(0);
  });

  it('sends to each address once when the envelope repeats it', async () => {
    const { smtp, transport } = await setup({});
    const result = await transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com', 'bob@example.com'] } });
    expect(result.recipients).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(['bob@example.com']);
  });
});

describe('a connection lost during the transaction', () => {
  it('is never reported as sent when it drops after the whole message went out', async () => {
    const { smtp, transport } = await setup({
      rcptTo: (address) => (address === 'nobody@example.com' ? replies.unknownUser : undefined),
      data: () => ({ kind: 'drop-after-message' }),
    });
    const to = ['bob@example.com', 'nobody@example.com'];
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to } }), 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    const detail = error.detail as unknown as SmtpErrorDetail;
    expect(detail.outcomeUnknown).toEqual(['bob@example.com']);
    expect(detail.recipients.map((r) => [r.address, r.status])).toEqual([['nobody@example.com', 'rejected']]);
    // Not retried: the server may have the message, and a retry could deliver it twice.
    expect(smtp.dataEnvelopes).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
  });

  it('is never reported as sent when it drops in the middle of the message', async () => {
    const { smtp, transport } = await setup({ data: () => ({ kind: 'drop-mid-message' }) });
    const big = new TextEncoder().encode(`Subject: big\r\n\r\n${'0123456789abcdef'.repeat(64).concat('\r\n').repeat(200)}`);
    const error = await rejectionOf(transport.send({ message: big, envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect((error.detail as unknown as SmtpErrorDetail).outcomeUnknown).toEqual(['bob@example.com']);
    expect(smtp.dataEnvelopes).toHaveLength(1);
  });

  it('after earlier tries accepted someone, still reports them', async () => {
    const { transport } = await setup({
      rcptTo: (address, seen) => (address === 'grey@example.com' && seen === 1 ? replies.greylisted : undefined),
      data: (n) => (n === 2 ? { kind: 'drop-after-message' } : { kind: 'accept' }),
    });
    const to = ['bob@example.com', 'grey@example.com'];
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to } }), 'ERR_TRANSPORT_OUTCOME_UNKNOWN');
    const detail = error.detail as unknown as SmtpErrorDetail;
    expect(detail.recipients.map((r) => [r.address, r.status])).toEqual([['bob@example.com', 'accepted']]);
    expect(detail.outcomeUnknown).toEqual(['grey@example.com']);
  });

  it('before DATA is a plain failure: nothing was sent, and it is not retried blindly', async () => {
    const { smtp, transport } = await setup({ rcptTo: () => 'drop' });
    const error = await rejectionOf(transport.send({ message: sampleMessage(), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), 'ERR_TRANSPORT_UNAVAILABLE');
    expect(error.message).toMatch(/before the message was sent/);
    expect((error.detail as unknown as SmtpErrorDetail).outcomeUnknown).toEqual([]);
    expect(smtp.dataEnvelopes).toHaveLength(0);
  });
});
