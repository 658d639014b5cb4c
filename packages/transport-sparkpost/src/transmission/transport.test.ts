import type { SendRequest } from '@sealpost/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSparkPost, type Reply, TEST_API_KEY, contractReply, startFakeSparkPost, unusedPort } from '../../test-support/fake-sparkpost.js';
import { type TestMail, plainMessage, testMail } from '../../test-support/mail.js';
import { createSparkPostTransport } from '../index.js';
import type { SparkPostTransportOptions } from '../index.js';

let mail: TestMail;
let sealed: Uint8Array;
const servers: FakeSparkPost[] = [];

beforeAll(async () => {
  mail = await testMail();
  sealed = await mail.signed(mail.identity('alice'), 'alice@example.com');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(script?: (request: Parameters<typeof contractReply>[0], index: number) => Reply): Promise<FakeSparkPost> {
  const s = await startFakeSparkPost(script);
  servers.push(s);
  return s;
}

function transport(baseUrl: string, options: Partial<SparkPostTransportOptions> = {}) {
  return createSparkPostTransport({ apiKey: TEST_API_KEY, baseUrl, retry: { baseDelayMs: 10, maxDelayMs: 100 }, ...options });
}

function sealedRequest(extra: Partial<SendRequest> = {}): SendRequest {
  return { message: sealed, envelope: { from: 'alice@example.com', to: ['bob@example.com'] }, sealed: true, ...extra };
}

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; detail?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; detail?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

function reveals(error: unknown, secret: string): boolean {
  const seen = new Set<unknown>();
  const walk = (value: unknown): string => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return String(value);
    seen.add(value);
    const e = value as { message?: unknown; stack?: unknown; cause?: unknown; detail?: unknown };
    return [String(e.message), String(e.stack), JSON.stringify(e.detail ?? null), JSON.stringify(value), walk(e.cause)].join('\n');
  };
  return walk(error).includes(secret);
}

describe('createSparkPostTransport: the request', () => {
  it('sends the sealed bytes unchanged as content.email_rfc822, with the documented fields', async () => {
    const s = await server();
    const result = await transport(s.baseUrl).send(sealedRequest({ envelope: { from: 'alice@example.com', to: ['bob@example.com', 'Carol@EXAMPLE.com'] } }));
    expect(s.requests).toHaveLength(1);
    const [request] = s.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/api/v1/transmissions');
    expect(request!.headers.authorization).toBe(TEST_API_KEY);
    expect(request!.headers['content-type']).toBe('application/json');
    const json = request!.json as Record<string, unknown> & { content: { email_rfc822: string } };
    // Byte for byte, through JSON and back.
    expect(Buffer.from(json.content.email_rfc822, 'utf8').equals(Buffer.from(sealed))).toBe(true);
    expect(json['options']).toEqual({ open_tracking: false, click_tracking: false, transactional: true });
    expect(json['recipients']).toEqual([{ address: { email: 'bob@example.com' } }, { address: { email: 'Carol@example.com' } }]);
    expect(Object.keys(json).sort()).toEqual(['content', 'options', 'recipients']);
    expect(result.transport).toBe('sparkpost');
    expect(result.id).toMatch(/^tx-/);
    expect(result.recipients).toEqual([
      { address: 'bob@example.com', status: 'accepted' },
      { address: 'Carol@example.com', status: 'accepted' },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: 0, attempts: 1, recipientErrors: [] });
  });

  it('keeps a UTF-8 message (with a byte-order mark) exact', async () => {
    const s = await server();
    const message = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('From: a@example.com\r\nSubject: Grüße ✓\r\n\r\nÄ\r\n')]);
    await transport(s.baseUrl).send({ message, envelope: { from: 'a@example.com', to: ['b@example.com'] } });
    const json = s.requests[0]!.json as { content: { email_rfc822: string } };
    expect(Buffer.from(json.content.email_rfc822, 'utf8').equals(Buffer.from(message))).toBe(true);
  });

  it('sends campaign_id, metadata, return_path and options.sandbox when configured, and de-duplicates recipients', async () => {
    const s = await server();
    await transport(s.baseUrl, {
      campaignId: 'contracts-2024',
      metadata: { batch: 'b7' },
      returnPath: 'bounces@mail.example.com',
      sandbox: true,
      transactional: false,
    }).send(sealedRequest({ envelope: { from: 'alice@example.com', to: ['bob@example.com', 'bob@EXAMPLE.COM'] } }));
    expect(s.requests[0]!.json).toMatchObject({
      campaign_id: 'contracts-2024',
      metadata: { batch: 'b7' },
      return_path: 'bounces@mail.example.com',
      options: { open_tracking: false, click_tracking: false, transactional: false, sandbox: true },
      recipients: [{ address: { email: 'bob@example.com' } }],
    });
  });

  it('accepts a base URL that already ends with /api/v1, and leaves transactional unset for unsealed mail', async () => {
    const s = await server();
    await transport(`${s.baseUrl}/api/v1/`).send({ message: plainMessage('a@example.com'), envelope: { from: 'a@example.com', to: ['b@example.com'] } });
    expect(s.requests[0]!.path).toBe('/api/v1/transmissions');
    expect((s.requests[0]!.json as { options: unknown }).options).toEqual({ open_tracking: false, click_tracking: false });
  });
});

describe('createSparkPostTransport: tracking and content checks', () => {
  it('refuses to enable tracking for sealed content, before any request', async () => {
    const s = await server();
    for (const tracking of [{ open: true }, { click: true }]) {
      const error = await rejection(transport(s.baseUrl, { tracking }).send(sealedRequest()));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toMatch(/tracking would rewrite signed\/encrypted content/);
    }
    expect(s.requests).toHaveLength(0);
  });

  it('sends tracking options for unsealed mail when asked', async () => {
    const s = await server();
    await transport(s.baseUrl, { tracking: { open: true, click: true } }).send({
      message: plainMessage('a@example.com'),
      envelope: { from: 'a@example.com', to: ['b@example.com'] },
    });
    expect((s.requests[0]!.json as { options: unknown }).options).toEqual({ open_tracking: true, click_tracking: true });
  });

  it('refuses a message over the size limit before sending (default 20 MB)', async () => {
    const s = await server();
    const big = new Uint8Array(20_000_001).fill(0x61);
    const error = await rejection(transport(s.baseUrl).send({ message: big, envelope: { from: 'a@example.com', to: ['b@example.com'] } }));
    expect(error.code).toBe('ERR_MESSAGE_TOO_LARGE');
    expect(error.detail).toMatchObject({ size: 20_000_001, limit: 20_000_000 });
    const small = await rejection(transport(s.baseUrl, { maxMessageBytes: 100 }).send(sealedRequest()));
    expect(small.code).toBe('ERR_MESSAGE_TOO_LARGE');
    expect(s.requests).toHaveLength(0);
  });

  it("refuses sealed content holding '{{' (SparkPost substitution would rewrite it)", async () => {
    const s = await server();
    const signed = await mail.signed(mail.identity('alice'), 'alice@example.com', { body: 'Dear {{name}}' });
    const error = await rejection(transport(s.baseUrl).send(sealedRequest({ message: signed })));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.message).toMatch(/substitution/);
    expect(s.requests).toHaveLength(0);
  });

  it('refuses bytes that are not UTF-8 and content with a lone-dot line', async () => {
    const s = await server();
    const latin1 = new Uint8Array([...new TextEncoder().encode('From: a@example.com\r\n\r\n'), 0xe9, 0x0d, 0x0a]);
    const dot = new TextEncoder().encode('From: a@example.com\r\n\r\nline\r\n.\r\nmore\r\n');
    for (const message of [latin1, dot]) {
      const error = await rejection(transport(s.baseUrl).send({ message, envelope: { from: 'a@example.com', to: ['b@example.com'] } }));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(s.requests).toHaveLength(0);
  });

  it('treats an empty envelope as a programmer error and a malformed address as ERR_ADDRESS_MALFORMED', async () => {
    const s = await server();
    await expect(transport(s.baseUrl).send(sealedRequest({ envelope: { from: 'a@example.com', to: [] } }))).rejects.toThrow(TypeError);
    const error = await rejection(transport(s.baseUrl).send(sealedRequest({ envelope: { from: 'a@example.com', to: ['not an address'] } })));
    expect(error.code).toBe('ERR_ADDRESS_MALFORMED');
    expect(s.requests).toHaveLength(0);
  });
});

describe('createSparkPostTransport: answers', () => {
  it('resolves a 400 with every recipient rejected, carrying the status and the errors, without retrying', async () => {
    const apiErrors = [{ message: 'Invalid domain', description: 'Unconfigured or unverified sending domain.', code: '7001' }];
    const s = await server(() => ({ status: 400, body: { errors: apiErrors } }));
    const result = await transport(s.baseUrl).send(sealedRequest({ envelope: { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] } }));
    expect(result).toMatchObject({ status: 400, errors: apiErrors, attempts: 1, accepted: 0 });
    expect(result.id).toBeUndefined();
    expect(result.recipients.map((r) => [r.address, r.status])).toEqual([
      ['bob@example.com', 'rejected'],
      ['carol@example.com', 'rejected'],
    ]);
    expect(result.recipients[0]!.response).toBe('SparkPost refused the transmission (HTTP 400): Invalid domain (Unconfigured or unverified sending domain.)');
    expect(s.requests).toHaveLength(1);
  });

  it('maps 401 to ERR_TRANSPORT_AUTH and never reveals the API key', async () => {
    const s = await server();
    const wrongKey = 'wrong-key-9d8c7b6a5f4e';
    const error = await rejection(createSparkPostTransport({ apiKey: wrongKey, baseUrl: s.baseUrl }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_AUTH');
    expect(error.detail).toMatchObject({ status: 401 });
    expect(reveals(error, wrongKey)).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('resolves 420 (sending limit) as deferred and 413 as rejected, without retrying', async () => {
    const s = await server((_, i) => (i === 0 ? { status: 420, body: { errors: [{ message: 'Exceed Sending Limit (hourly)', code: '2101' }] } } : { status: 413, body: '' }));
    const limit = await transport(s.baseUrl).send(sealedRequest());
    expect(limit).toMatchObject({ status: 420, errors: [{ message: 'Exceed Sending Limit (hourly)', code: '2101' }] });
    expect(limit.recipients).toEqual([{ address: 'bob@example.com', status: 'deferred', response: 'SparkPost sending limit reached (HTTP 420), nothing was sent: Exceed Sending Limit (hourly)' }]);
    const large = await transport(s.baseUrl).send(sealedRequest());
    expect(large.recipients).toEqual([{ address: 'bob@example.com', status: 'rejected', response: 'SparkPost found the transmission too large (HTTP 413)' }]);
    expect(s.requests).toHaveLength(2);
  });

  it('reports partial acceptance with the totals and calls no recipient accepted', async () => {
    const s = await server(() => ({
      status: 200,
      body: {
        errors: [{ message: 'transmission created, but with validation errors', code: '2000' }],
        results: {
          rcpt_to_errors: [{ message: 'required field is missing', description: 'address.email is required for each recipient', code: '1400' }],
          total_rejected_recipients: 1,
          total_accepted_recipients: 1,
          id: '11668787484950530',
        },
      },
    }));
    const result = await transport(s.baseUrl).send(sealedRequest({ envelope: { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] } }));
    expect(result).toMatchObject({ id: '11668787484950530', accepted: 1, rejected: 1 });
    expect(result.recipientErrors).toEqual([{ message: 'required field is missing', description: 'address.email is required for each recipient', code: '1400' }]);
    expect(result.recipients.map((r) => r.status)).toEqual(['deferred', 'deferred']);
    expect(result.recipients[0]!.response).toMatch(/accepted 1 of 2/);
  });

  it('resolves with every recipient rejected when SparkPost accepted none of them', async () => {
    const s = await server(() => ({ status: 200, body: { results: { total_rejected_recipients: 1, total_accepted_recipients: 0, id: '42' } } }));
    const result = await transport(s.baseUrl).send(sealedRequest());
    expect(result).toMatchObject({ id: '42', accepted: 0, rejected: 1, status: 200 });
    expect(result.recipients).toEqual([{ address: 'bob@example.com', status: 'rejected', response: 'SparkPost accepted none of the recipients' }]);
  });

  it('treats a 200 without results as an unknown outcome', async () => {
    const s = await server(() => ({ status: 200, body: '<html>ok</html>' }));
    const error = await rejection(transport(s.baseUrl).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(error.detail).toMatchObject({ outcomeUnknown: true, reason: 'unreadable-answer' });
  });

  it('does not follow redirects', async () => {
    const s = await server((_, i) => (i === 0 ? { status: 307, headers: { Location: '/elsewhere' } } : { status: 200, body: {} }));
    const error = await rejection(transport(s.baseUrl).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_REJECTED');
    expect(s.requests).toHaveLength(1);
  });
});

describe('createSparkPostTransport: retries', () => {
  it('honours Retry-After (seconds) on 429 and then succeeds', async () => {
    const s = await server((r, i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '1' }, body: { errors: [{ message: 'Too many requests' }] } } : contractReply(r)));
    const result = await transport(s.baseUrl, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5000 } }).send(sealedRequest());
    expect(result.attempts).toBe(2);
    expect(s.requests).toHaveLength(2);
    const waited = s.requests[1]!.at - s.requests[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(3000);
  });

  it('gives up at once with ERR_TRANSPORT_RATE_LIMITED when Retry-After exceeds maxDelayMs', async () => {
    const s = await server(() => ({ status: 429, headers: { 'Retry-After': '120' } }));
    const error = await rejection(transport(s.baseUrl).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_RATE_LIMITED');
    expect(error.detail).toMatchObject({ status: 429, retryAfterMs: 120_000, attempts: 1 });
    expect(s.requests).toHaveLength(1);
  });

  it('stops after maxAttempts 429s, waiting at least the base delay without Retry-After', async () => {
    const s = await server(() => ({ status: 429 }));
    const error = await rejection(transport(s.baseUrl, { retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 200 } }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_RATE_LIMITED');
    expect(error.detail).toMatchObject({ attempts: 3 });
    expect(error.detail).not.toHaveProperty('retryAfterMs');
    expect(s.requests).toHaveLength(3);
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(95);
  });

  it('after the last 429 says how long its Retry-After asked to wait (detail.retryAfterMs), for callers that hold later sends', async () => {
    const s = await server((_r, i) => ({ status: 429, headers: { 'Retry-After': i === 0 ? '0' : '1' } }));
    const error = await rejection(transport(s.baseUrl, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 5000 } }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_RATE_LIMITED');
    expect(error.detail).toMatchObject({ status: 429, retryAfterMs: 1000, attempts: 2 });
  });

  it('does not retry a 500: the outcome is unknown', async () => {
    const s = await server(() => ({ status: 500, body: { errors: [{ message: 'internal error' }] } }));
    const error = await rejection(transport(s.baseUrl).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(error.detail).toMatchObject({ status: 500, outcomeUnknown: true, reason: 'server-error', attempts: 1 });
    expect(s.requests).toHaveLength(1);
  });

  it('retries a 500 when retryUnknownOutcome is set', async () => {
    const s = await server((r, i) => (i < 2 ? { status: 503 } : contractReply(r)));
    const result = await transport(s.baseUrl, { retryUnknownOutcome: true, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } }).send(sealedRequest());
    expect(result.attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it('a server that never answers times out with an unknown outcome, not retried', async () => {
    const s = await server(() => ({ hang: true }));
    const started = performance.now();
    const error = await rejection(transport(s.baseUrl, { timeoutMs: 300 }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(error.detail).toMatchObject({ outcomeUnknown: true, reason: 'timeout', attempts: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(s.requests).toHaveLength(1);
  });

  it('a connection reset after the request was sent is an unknown outcome, not retried', async () => {
    const s = await server(() => ({ reset: true }));
    const error = await rejection(transport(s.baseUrl).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_OUTCOME_UNKNOWN');
    expect(error.detail).toMatchObject({ outcomeUnknown: true, reason: 'connection-lost', attempts: 1 });
    // The server had the whole body before it dropped the connection.
    expect(Buffer.from((s.requests[0]!.json as { content: { email_rfc822: string } }).content.email_rfc822).equals(Buffer.from(sealed))).toBe(true);
    expect(s.requests).toHaveLength(1);
  });

  it('a refused connection is retried, and succeeds once the server is up', async () => {
    const port = await unusedPort();
    const t = transport(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 20, baseDelayMs: 50, maxDelayMs: 100 } });
    const sending = t.send(sealedRequest());
    await new Promise((resolve) => setTimeout(resolve, 150));
    const s = await startFakeSparkPost(undefined, port);
    servers.push(s);
    const result = await sending;
    expect(result.attempts).toBeGreaterThan(1);
    expect(s.requests).toHaveLength(1);
  });

  it('a refused connection on every attempt ends in ERR_TRANSPORT_UNAVAILABLE', async () => {
    const port = await unusedPort();
    const error = await rejection(transport(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_UNAVAILABLE');
    expect(error.detail).toMatchObject({ reason: 'ECONNREFUSED', attempts: 3 });
    expect(reveals(error, TEST_API_KEY)).toBe(false);
  });

  it('a refused TLS certificate is not retried: nothing was sent, and trying again changes nothing', async () => {
    let calls = 0;
    const certificateRefused: typeof fetch = async () => {
      calls += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });
    };
    const error = await rejection(createSparkPostTransport({ apiKey: TEST_API_KEY, fetch: certificateRefused, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } }).send(sealedRequest()));
    expect(error.code).toBe('ERR_TRANSPORT_UNAVAILABLE');
    expect(error.detail).toMatchObject({ reason: 'CERT_HAS_EXPIRED', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('an abort ends the send with ERR_ABORTED, during a request or while waiting to retry', async () => {
    const hanging = await server(() => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const during = await rejection(transport(hanging.baseUrl).send(sealedRequest({ signal: controller.signal })));
    expect(during.code).toBe('ERR_ABORTED');
    expect(during.detail).toMatchObject({ outcomeUnknown: true });

    const limited = await server(() => ({ status: 429, headers: { 'Retry-After': '5' } }));
    const later = new AbortController();
    setTimeout(() => later.abort(), 100);
    const started = performance.now();
    const waiting = await rejection(transport(limited.baseUrl, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10_000 } }).send(sealedRequest({ signal: later.signal })));
    expect(waiting.code).toBe('ERR_ABORTED');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(limited.requests).toHaveLength(1);

    const already = new AbortController();
    already.abort();
    expect((await rejection(transport(limited.baseUrl).send(sealedRequest({ signal: already.signal })))).code).toBe('ERR_ABORTED');
    expect(limited.requests).toHaveLength(1);
  });
});

describe('createSparkPostTransport: options', () => {
  it('refuses bad options with TypeError/RangeError and never quotes the key', () => {
    expect(() => createSparkPostTransport({ apiKey: '' })).toThrow(TypeError);
    expect(() => createSparkPostTransport({ apiKey: 'k\r\nX-Evil: 1' })).toThrow(TypeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', baseUrl: 'ftp://x' })).toThrow(TypeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', baseUrl: 'https://user:pw@api.sparkpost.com' })).toThrow(TypeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', campaignId: 'x'.repeat(65) })).toThrow(RangeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', metadata: { big: 'x'.repeat(1000) } })).toThrow(RangeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', retry: { maxAttempts: 0 } })).toThrow(RangeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', retry: { baseDelayMs: 100, maxDelayMs: 10 } })).toThrow(RangeError);
    expect(() => createSparkPostTransport({ apiKey: 'k', timeoutMs: 0 })).toThrow(RangeError);
    try {
      createSparkPostTransport({ apiKey: 'secret-value\n' });
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-value');
    }
  });

  it('uses the injected fetch, and the documented US and EU endpoints', async () => {
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ results: { id: '1', total_accepted_recipients: 1, total_rejected_recipients: 0 } }), { status: 200 });
    };
    await createSparkPostTransport({ apiKey: 'k', fetch: fakeFetch }).send(sealedRequest());
    await createSparkPostTransport({ apiKey: 'k', fetch: fakeFetch, baseUrl: 'https://api.eu.sparkpost.com' }).send(sealedRequest());
    expect(urls).toEqual(['https://api.sparkpost.com/api/v1/transmissions', 'https://api.eu.sparkpost.com/api/v1/transmissions']);
  });
});
