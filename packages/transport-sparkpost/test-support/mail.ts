// Test mail: plain messages, messages signed with the fixture PKI, and relay-webhook batches.
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost } from '@sealpost/core';
import type { Identity, Sealpost } from '@sealpost/core';
import { type IdentityName, type TestPki, ensureTestPki } from '@sealpost/fixtures';

export interface TestMail {
  readonly pki: TestPki;
  readonly sealpost: Sealpost;
  identity(name: IdentityName): Identity;
  /** Signs `plainMessage(from, ...)` as `signer` (detached multipart/signed unless opaque). */
  signed(signer: Identity, from: string, options?: { readonly opaque?: boolean; readonly body?: string; readonly messageId?: string }): Promise<Uint8Array>;
}

export function plainMessage(from: string, body = 'Hello from the test suite.', messageId = '<t1@example.com>'): Uint8Array {
  return new TextEncoder().encode(
    `From: ${from}\r\nTo: keys@collector.example\r\nSubject: test\r\nMessage-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${body}\r\n`,
  );
}

let shared: Promise<TestMail> | undefined;

export function testMail(): Promise<TestMail> {
  shared ??= (async () => {
    const pki = await ensureTestPki();
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const identity = (name: IdentityName): Identity => {
      const id = pki.identities[name];
      return {
        certificate: id.cert,
        privateKey: { type: 'pkcs8', der: id.keyDer },
        ...(id.issuer === 'inter' ? { chain: [pki.inter.cert] } : {}),
      };
    };
    return {
      pki,
      sealpost,
      identity,
      signed: (signer, from, options = {}) => sealpost.sign(plainMessage(from, options.body, options.messageId), { signer, detached: options.opaque !== true }),
    };
  })();
  return shared;
}

export interface BatchItem {
  readonly message: Uint8Array;
  readonly base64?: boolean;
  readonly from?: string;
}

/** A relay-webhook batch shaped like SparkPost's documented sample. */
export function relayBatch(items: readonly BatchItem[]): string {
  return JSON.stringify(
    items.map((item) => ({
      msys: {
        relay_message: {
          content: {
            email_rfc822: item.base64 === true ? Buffer.from(item.message).toString('base64') : Buffer.from(item.message).toString('utf8'),
            email_rfc822_is_base64: item.base64 === true,
            headers: [{ From: item.from ?? 'someone@example.com' }, { 'Message-ID': '<t1@example.com>' }],
            html: '',
            subject: 'test',
            text: 'text',
            to: ['keys@collector.example'],
          },
          customer_id: '1337',
          friendly_from: item.from ?? 'someone@example.com',
          msg_from: item.from ?? 'someone@example.com',
          rcpt_to: 'keys@collector.example',
          webhook_id: '4839201967643219',
          protocol: 'smtp',
        },
      },
    })),
  );
}
