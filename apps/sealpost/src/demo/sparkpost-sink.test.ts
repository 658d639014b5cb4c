import { describe, expect, it } from 'vitest';
import { answerTransmission } from './sparkpost-sink.js';

const KEY = 'k-123';
const body = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const valid = { recipients: [{ address: { email: 'bob@example.com' } }], content: { email_rfc822: 'From: a@example.com\r\n\r\nhi\r\n' }, options: { open_tracking: false, click_tracking: false } };
const request = (over: Partial<{ method: string; path: string; headers: Record<string, string>; body: Uint8Array }> = {}) => ({
  method: 'POST',
  path: '/api/v1/transmissions',
  headers: { authorization: KEY, 'content-type': 'application/json' },
  body: body(valid),
  ...over,
});

describe('answerTransmission', () => {
  it('accepts a raw RFC 822 transmission and keeps its bytes and recipients', () => {
    const answer = answerTransmission(request(), KEY, '42');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ results: { total_rejected_recipients: 0, total_accepted_recipients: 1, id: '42' } });
    expect(answer.transmission?.recipients).toEqual(['bob@example.com']);
    expect(new TextDecoder().decode(answer.transmission?.rfc822)).toBe(valid.content.email_rfc822);
    expect([answer.transmission?.openTracking, answer.transmission?.clickTracking]).toEqual([false, false]);
  });

  it.each([
    ['another route', { path: '/api/v1/templates' }, 404],
    ['a GET', { method: 'GET' }, 404],
    ['a wrong key', { headers: { authorization: 'nope', 'content-type': 'application/json' } }, 401],
    ['no JSON content type', { headers: { authorization: KEY, 'content-type': 'text/plain' } }, 415],
    ['a body that is not JSON', { body: new TextEncoder().encode('{') }, 400],
    ['no recipients', { body: body({ ...valid, recipients: [] }) }, 422],
    ['a recipient without an address', { body: body({ ...valid, recipients: [{ name: 'x' }] }) }, 422],
    ['no email_rfc822', { body: body({ ...valid, content: { html: '<p>' } }) }, 422],
    ['a lone dot line', { body: body({ ...valid, content: { email_rfc822: 'a\r\n.\r\nb' } }) }, 422],
  ])('refuses %s', (_what, over, status) => {
    const answer = answerTransmission(request(over), KEY, '1');
    expect(answer.status).toBe(status);
    expect(answer.transmission).toBeUndefined();
    expect((answer.body as { errors: { message: string }[] }).errors[0]?.message).toEqual(expect.any(String));
  });
});
