import type { CryptoBackend, SendRequest, SendResult, Transport } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../backends.js';
import type { Journal } from './journal.js';
import { flagTemplate } from './message-template.js';
import { planRun } from './plan.js';
import type { BulkRecipient } from './recipients.js';
import { runBulk } from './run.js';
import { createSignatureMemo, signingOnce } from './signing-once.js';

const recipients: BulkRecipient[] = ['Ann', 'Ben', 'Cid', 'Dee', 'Eve', 'Fay'].map((name, i) => ({
  line: i + 2,
  address: `${name.toLowerCase()}@example.com`,
  fields: { email: `${name.toLowerCase()}@example.com`, name },
}));

/** The real pkijs backend, counting its signatures. */
async function countingBackend(): Promise<{ backend: CryptoBackend; signatures: () => number }> {
  const real = await createBackend('pkijs');
  let count = 0;
  const backend: CryptoBackend = { ...real, capabilities: real.capabilities, name: real.name, sign: (request) => (count++, real.sign(request)) };
  return { backend, signatures: () => count };
}

/** Takes every copy in-process: what was handed over, by recipient. */
function collectingTransport(): Transport & { readonly messages: Map<string, Uint8Array> } {
  const messages = new Map<string, Uint8Array>();
  return {
    name: 'collect',
    messages,
    async send(request: SendRequest): Promise<SendResult> {
      for (const address of request.envelope.to) messages.set(address, request.message);
      return { transport: 'collect', recipients: request.envelope.to.map((address) => ({ address, status: 'accepted' as const })) };
    },
  };
}

const memoryJournal = (): Journal => ({
  path: 'journal',
  state: { outcomes: new Map(), unresolved: new Set() },
  sending: async () => undefined,
  done: async () => undefined,
  close: async () => undefined,
});
const quietProgress = { tick: () => undefined, finish: () => undefined };

async function sendAll(text: string): Promise<{ signatures: number; transport: ReturnType<typeof collectingTransport>; statuses: string[] }> {
  const alice = await generateTestIdentity({ email: 'alice@example.com' });
  const identity = { certificate: alice.certificate, privateKey: alice.privateKey };
  const { backend, signatures } = await countingBackend();
  const transport = collectingTransport();
  const template = flagTemplate({ from: 'Alice <alice@example.com>', subject: 'For {{name}}', text, html: '<p>Hello</p>', attachments: [], columns: ['email', 'name'] });
  const lines = await runBulk({
    decisions: planRun(recipients, { outcomes: new Map(), unresolved: new Set() }, { resendUnknown: false, retryFailed: false }),
    template,
    journal: memoryJournal(),
    concurrency: 3,
    backend: signingOnce(backend, identity, createSignatureMemo()),
    transport,
    keystore: undefined,
    identity,
    sendOptions: { sign: true, encrypt: false },
    progress: quietProgress,
    stop: new AbortController().signal,
  });
  return { signatures: signatures(), transport, statuses: lines.map((l) => l.status) };
}

describe('a bulk run signs once per distinct content', () => {
  it('signs a body that is the same on every row once, however many rows; each copy keeps its own header', async () => {
    const { signatures, transport, statuses } = await sendAll('The same letter for everyone.');
    expect(statuses).toEqual(recipients.map(() => 'accepted'));
    expect(signatures).toBe(1);
    for (const r of recipients) expect(new TextDecoder().decode(transport.messages.get(r.address))).toContain(`Subject: For ${r.fields['name']}\r\n`);
  });

  it('signs a body with a placeholder once per row whose body differs', async () => {
    const { signatures } = await sendAll('Dear {{name}},\nyour letter.');
    expect(signatures).toBe(recipients.length);
  });
});
