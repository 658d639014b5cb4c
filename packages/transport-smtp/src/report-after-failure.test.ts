import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate } from '../test-support/sample.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../test-support/smtp-test-server.js';
import { createSmtpTransport } from './index.js';

// One unencrypted message to several recipients is one SMTP transaction (then one per retry). When a
// later try fails, the transport's error still says who the server had answered for (detail.recipients)
// and whose outcome is unknown (detail.outcomeUnknown); the send report must keep those outcomes rather
// than call everyone "failed" (not sent) or "unknown".

let certificate: ServerCertificate;
let pki: TestPki;
const servers: TestServer[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
  pki = await ensureTestPki();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function sendTo(to: readonly string[], serverOptions: TestServerOptions) {
  const smtp = await startTestServer({ certificate, ...serverOptions });
  servers.push(smtp);
  const transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, ca: certificate.certPem, retry: { attempts: 3, initialDelay: 10 } });
  const alice = { certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.identities.alice.keyDer } };
  const sealpost = createSealpost({ backend: createPkijsBackend(), transport, identity: alice });
  const message = new TextEncoder().encode(`From: alice@example.com\r\nTo: ${to.join(', ')}\r\nSubject: figures\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n`);
  const report = await sealpost.send(message, { encrypt: false });
  await transport.close();
  return { report, smtp };
}

describe('the send report after a transport error', () => {
  it('a recipient accepted in an earlier try stays accepted when the retry for another cannot connect', async () => {
    const { report, smtp } = await sendTo(['bob@example.com', 'carol@example.com'], {
      rcptTo: (address, seen) => (address === 'carol@example.com' && seen === 1 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined),
      mailFrom: (transaction) => (transaction === 2 ? 'drop' : undefined),
    });
    expect(smtp.received.map((m) => m.to)).toEqual([['bob@example.com']]);
    expect(report.recipients.map((r) => [r.address, r.status, r.error?.code])).toEqual([
      ['bob@example.com', 'accepted', undefined],
      ['carol@example.com', 'failed', 'ERR_TRANSPORT_UNAVAILABLE'],
    ]);
    expect(report.recipients[0]!.code).toBe(250);
  });

  it('a recipient refused at RCPT TO is rejected, not unknown, when the reply to the message is lost', async () => {
    const { report } = await sendTo(['bob@example.com', 'nobody@example.com'], {
      rcptTo: (address) => (address === 'nobody@example.com' ? { code: 550, message: '5.1.1 No such user' } : undefined),
      data: () => ({ kind: 'drop-after-message' }),
    });
    expect(report.recipients.map((r) => [r.address, r.status, r.code, r.error?.code])).toEqual([
      ['bob@example.com', 'unknown', undefined, 'ERR_TRANSPORT_OUTCOME_UNKNOWN'],
      ['nobody@example.com', 'rejected', 550, undefined],
    ]);
  });
});
