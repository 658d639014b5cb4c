import { describe, expect, it } from 'vitest';
import { relayBatch } from '../../test-support/mail.js';
import { parseRelayBatch } from '../index.js';

// SparkPost's documented sample batch, as its relay-webhook reference shows it.
const documentedSample = `[
  {
    "msys": {
      "relay_message": {
        "content": {
          "email_rfc822": "Return-Path: <me@here.com>\\r\\nMIME-Version: 1.0\\r\\nFrom: me@here.com\\r\\nSubject: Relay webhooks rawk!\\r\\nTo: you@there.com\\r\\nContent-Type: text/plain; charset=UTF-8\\r\\n\\r\\nHi there SparkPostians.\\r\\n",
          "email_rfc822_is_base64": false,
          "headers": [ { "Return-Path": "<me@here.com>" }, { "MIME-Version": "1.0" }, { "From": "me@here.com" }, { "Subject": "Relay webhooks rawk!" }, { "To": "you@there.com" } ],
          "html": "<p>Hi there <strong>SparkPostians</strong>.</p>",
          "subject": "We come in peace",
          "text": "Hi there SparkPostians.",
          "to": [ "your@yourdomain.com" ]
        },
        "customer_id": "1337",
        "friendly_from": "me@here.com",
        "msg_from": "me@here.com",
        "rcpt_to": "you@there.com",
        "webhook_id": "4839201967643219"
      }
    }
  }
]`;

function malformedMessage(body: unknown): string {
  try {
    parseRelayBatch(body);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ERR_WEBHOOK_MALFORMED');
    return (error as Error).message;
  }
  throw new Error('expected ERR_WEBHOOK_MALFORMED');
}

describe('parseRelayBatch', () => {
  it('reads the documented sample', () => {
    const [m, ...rest] = parseRelayBatch(documentedSample);
    expect(rest).toHaveLength(0);
    expect(new TextDecoder().decode(m!.message)).toBe(
      'Return-Path: <me@here.com>\r\nMIME-Version: 1.0\r\nFrom: me@here.com\r\nSubject: Relay webhooks rawk!\r\nTo: you@there.com\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHi there SparkPostians.\r\n',
    );
    expect(m).toMatchObject({
      wasBase64: false,
      customerId: '1337',
      friendlyFrom: 'me@here.com',
      msgFrom: 'me@here.com',
      rcptTo: 'you@there.com',
      webhookId: '4839201967643219',
      content: { subject: 'We come in peace', text: 'Hi there SparkPostians.', to: ['your@yourdomain.com'] },
    });
    expect(m!.content.headers[2]).toEqual({ From: 'me@here.com' });
    expect(m!.protocol).toBeUndefined();
  });

  it('decodes base64 content to the exact bytes, including ones that are not UTF-8', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('From: a@example.com\r\n\r\n'), 0xe9, 0xff, 0x00, 0x0d, 0x0a]);
    const [m] = parseRelayBatch(relayBatch([{ message: bytes, base64: true }]));
    expect(m!.wasBase64).toBe(true);
    expect(Buffer.from(m!.message).equals(Buffer.from(bytes))).toBe(true);
  });

  it('accepts text, bytes or parsed JSON, and an empty batch', () => {
    const text = relayBatch([{ message: new TextEncoder().encode('From: a@example.com\r\n\r\nx\r\n') }]);
    expect(parseRelayBatch(new TextEncoder().encode(text))).toHaveLength(1);
    expect(parseRelayBatch(JSON.parse(text))).toHaveLength(1);
    expect(parseRelayBatch('[]')).toEqual([]);
  });

  it('keeps a numeric customer_id as its digits', () => {
    const batch = JSON.parse(documentedSample) as [{ msys: { relay_message: Record<string, unknown> } }];
    batch[0].msys.relay_message['customer_id'] = 1337;
    expect(parseRelayBatch(batch)[0]!.customerId).toBe('1337');
  });

  it('refuses what is not the documented shape, naming the item and field', () => {
    expect(malformedMessage('{not json')).toMatch(/not JSON/);
    expect(malformedMessage(new Uint8Array([0x5b, 0xff, 0x5d]))).toMatch(/not UTF-8/);
    expect(malformedMessage('{"msys":{}}')).toMatch(/not a JSON array/);
    expect(malformedMessage('[1]')).toMatch(/item 0: not an object/);
    expect(malformedMessage('[{"msys":{"message_event":{}}}]')).toMatch(/relay_message must be an object/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":7}}}}]')).toMatch(/email_rfc822 must be a string/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":"x","email_rfc822_is_base64":"yes"}}}}]')).toMatch(/must be a boolean/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":"@@@","email_rfc822_is_base64":true}}}}]')).toMatch(/not base64/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":"x","to":"a@b"}}}}]')).toMatch(/to must be an array of strings/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":"x","headers":[{"From":1}]}}}}]')).toMatch(/headers\[0\]/);
    expect(malformedMessage('[{"msys":{"relay_message":{"content":{"email_rfc822":"x"},"rcpt_to":["a"]}}}]')).toMatch(/rcpt_to must be a string/);
    const second = `[{"msys":{"relay_message":{"content":{"email_rfc822":"x"}}}},{"msys":{}}]`;
    expect(malformedMessage(second)).toMatch(/item 1/);
  });
});
