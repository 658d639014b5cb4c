import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { type SendRecipientReport, createSealpost } from '@sealpost/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSparkPost, type Reply, TEST_API_KEY, startFakeSparkPost } from '../../test-support/fake-sparkpost.js';
import { type TestMail, testMail } from '../../test-support/mail.js';
import { type SparkPostTransportOptions, createSparkPostTransport } from '../index.js';

// Every answer SparkPost documents for POST /transmissions, through createSealpost(...).send, as the
// recipient's outcome in the send report: the table in docs/transports.md ("SparkPost outcomes").

let mail: TestMail;
const servers: FakeSparkPost[] = [];

beforeAll(async () => {
  mail = await testMail();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const message = new TextEncoder().encode(
  'From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: figures\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nRevenue is up.\r\n',
);

/** The one recipient's report for a server that answers every request with `reply`. */
async function outcomeFor(
  reply: Reply,
  options: { readonly transport?: Partial<SparkPostTransportOptions>; readonly abortAfterRequests?: number } = {},
): Promise<{ report: SendRecipientReport; requests: number }> {
  const server = await startFakeSparkPost(() => reply);
  servers.push(server);
  const transport = createSparkPostTransport({ apiKey: TEST_API_KEY, baseUrl: server.baseUrl, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 }, ...options.transport });
  const sealpost = createSealpost({ backend: createPkijsBackend(), transport, identity: mail.identity('alice') });
  const controller = new AbortController();
  const sending = sealpost.send(message, { encrypt: false, signal: controller.signal });
  if (options.abortAfterRequests !== undefined) {
    while (server.requests.length < options.abortAfterRequests) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
  }
  const { recipients } = await sending;
  return { report: recipients[0]!, requests: server.requests.length };
}

const apiError = (message: string, code: string, description?: string) => ({ errors: [{ message, code, ...(description === undefined ? {} : { description }) }] });

describe('SparkPost answers as send outcomes', () => {
  it('200 with every recipient accepted: accepted, with the transmission id', async () => {
    const { report } = await outcomeFor({ status: 200, body: { results: { total_rejected_recipients: 0, total_accepted_recipients: 1, id: '84000000000000000' } } });
    expect(report).toMatchObject({ status: 'accepted', id: '84000000000000000' });
  });

  it.each([
    [400, apiError('invalid params', '1200')],
    [404, apiError('invalid URI', '1101')],
    [405, apiError('invalid HTTP method', '1102')],
    [409, apiError('Transmission record in invalid state', '2006')],
    [413, apiError('Request Entity Too Large', '5001')],
    [415, apiError('Unsupported Media Type', '1300')],
    [422, apiError('required field is missing', '1400', 'recipients')],
    [422, apiError('Message generation rejected', '1902', 'recipient address suppressed due to customer policy')],
  ])('%i, a request SparkPost refused for good: rejected, with its reason, not retried', async (status, body) => {
    const { report, requests } = await outcomeFor({ status, body });
    expect(report.status).toBe('rejected');
    expect(report.response).toContain(`HTTP ${status}`);
    expect(report.response).toContain(body.errors[0]!.message);
    expect(report.error).toBeUndefined();
    expect(requests).toBe(1);
  });

  it('200 with no recipient accepted: rejected, with the recipient error', async () => {
    const { report } = await outcomeFor({
      status: 200,
      body: { results: { total_rejected_recipients: 1, total_accepted_recipients: 0, id: '42', rcpt_to_errors: [{ message: 'invalid recipient', code: '5002' }] } },
    });
    expect(report).toMatchObject({ status: 'rejected', id: '42' });
    expect(report.response).toContain('invalid recipient');
  });

  it('420, a sending limit reached: deferred (nothing was sent, SparkPost takes mail again once the limit resets), not retried', async () => {
    const { report, requests } = await outcomeFor({ status: 420, body: apiError('Exceed Sending Limit (daily)', '2102') });
    expect(report.status).toBe('deferred');
    expect(report.response).toContain('HTTP 420');
    expect(report.response).toContain('Exceed Sending Limit (daily)');
    expect(requests).toBe(1);
  });

  it('401 and 403, the API key: failed with ERR_TRANSPORT_AUTH', async () => {
    for (const status of [401, 403]) {
      const { report } = await outcomeFor({ status, body: apiError('Forbidden.', '1100') });
      expect(report).toMatchObject({ status: 'failed', error: { code: 'ERR_TRANSPORT_AUTH' } });
    }
  });

  it('429 on every attempt: failed with ERR_TRANSPORT_RATE_LIMITED, after the retries', async () => {
    const { report, requests } = await outcomeFor({ status: 429, body: apiError('Too many requests', '1600'), headers: { 'Retry-After': '0' } });
    expect(report).toMatchObject({ status: 'failed', error: { code: 'ERR_TRANSPORT_RATE_LIMITED', retryAfterMs: 0 } });
    expect(requests).toBe(2);
  });

  it('5xx: unknown (SparkPost may have accepted it), not retried', async () => {
    const { report, requests } = await outcomeFor({ status: 503, body: apiError('Service Unavailable', '1600') });
    expect(report).toMatchObject({ status: 'unknown', error: { code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN' } });
    expect(requests).toBe(1);
  });

  it('an abort while SparkPost has the request: unknown (it may have accepted it), not failed', async () => {
    const { report, requests } = await outcomeFor({ hang: true }, { abortAfterRequests: 1 });
    expect(report).toMatchObject({ status: 'unknown', error: { code: 'ERR_ABORTED' } });
    expect(requests).toBe(1);
  });

  it('an abort while waiting to retry a 5xx (retryUnknownOutcome): still unknown, the first request may have been accepted', async () => {
    const { report, requests } = await outcomeFor(
      { status: 500, body: apiError('Internal Server Error', '1600') },
      { transport: { retryUnknownOutcome: true, retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 } }, abortAfterRequests: 1 },
    );
    expect(report).toMatchObject({ status: 'unknown', error: { code: 'ERR_ABORTED' } });
    expect(requests).toBe(1);
  });

  it('an abort while waiting to retry a 429: failed, nothing was taken', async () => {
    const { report, requests } = await outcomeFor(
      { status: 429, body: apiError('Too many requests', '1600'), headers: { 'Retry-After': '30' } },
      { transport: { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 60_000 } }, abortAfterRequests: 1 },
    );
    expect(report).toMatchObject({ status: 'failed', error: { code: 'ERR_ABORTED' } });
    expect(requests).toBe(1);
  });

  it('a redirect (not followed): failed, nothing was sent there', async () => {
    const { report, requests } = await outcomeFor({ status: 307, headers: { Location: '/elsewhere' } });
    expect(report).toMatchObject({ status: 'failed', error: { code: 'ERR_TRANSPORT_REJECTED' } });
    expect(requests).toBe(1);
  });
});
