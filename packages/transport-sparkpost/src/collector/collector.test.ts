import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { SealpostError, createSealpost } from '@sealpost/core';
import type { Identity } from '@sealpost/core';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestKeyStore, createTestKeyStore } from '../../test-support/memory-keystore.js';
import { type TestMail, plainMessage, relayBatch, testMail } from '../../test-support/mail.js';
import { type ServedHandler, serveHandler } from '../../test-support/node-adapter.js';
import { type CollectorEvent, type MessageEvent, type RelayCollectorOptions, createRelayCollector } from '../index.js';

const TOKEN = '5ebe2294ecd0e0f08eab7690d2a6ee69';
const NOW = new Date('2024-06-01T00:00:00Z');

let mail: TestMail;
const served: ServedHandler[] = [];

beforeAll(async () => {
  mail = await testMail();
});

afterEach(async () => {
  await Promise.all(served.splice(0).map((s) => s.close()));
});

interface Setup {
  readonly url: string;
  readonly keystore: TestKeyStore;
  readonly events: CollectorEvent[];
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  messageEvents(): MessageEvent[];
}

async function setup(options: Partial<RelayCollectorOptions> = {}): Promise<Setup> {
  const keystore = createTestKeyStore();
  const events: CollectorEvent[] = [];
  const collector = createRelayCollector({
    sealpost: mail.sealpost,
    keystore,
    trustAnchors: [mail.pki.ca.cert],
    token: TOKEN,
    now: () => NOW,
    log: (e) => events.push(e),
    ...options,
  });
  const server = await serveHandler((request) => collector.handle(request));
  served.push(server);
  return {
    url: server.url,
    keystore,
    events,
    post: (body, headers = { 'X-MessageSystems-Webhook-Token': TOKEN }) => fetch(`${server.url}/relay`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body }),
    messageEvents: () => events.filter((e): e is MessageEvent => e.type === 'message'),
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function expectNothingStored(s: Setup): Promise<void> {
  expect(s.keystore.puts).toHaveLength(0);
  expect(await s.keystore.list()).toEqual([]);
}

describe('createRelayCollector', () => {
  it('stores the certificate, chain and capabilities of a valid signed message', async () => {
    const s = await setup();
    const alice = mail.identity('alice');
    const signed = await mail.signed(alice, 'alice@example.com');
    const response = await s.post(relayBatch([{ message: signed, from: 'alice@example.com' }]));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok\n');
    const stored = await s.keystore.get('alice@example.com');
    expect(stored).not.toBeNull();
    expect(Buffer.from(stored!.certificate).equals(Buffer.from(alice.certificate))).toBe(true);
    expect(stored!.chain).toEqual([]);
    expect(stored!.smimeCapabilities.length).toBeGreaterThan(0);
    expect(stored!.source).toBe('relay-webhook');
    expect(s.keystore.puts[0]!.seenAt).toEqual(NOW);
    expect(s.messageEvents()).toEqual([
      {
        type: 'message',
        index: 0,
        sha256: sha256(signed),
        messageId: '<t1@example.com>',
        from: 'alice@example.com',
        verdict: 'valid',
        outcome: 'added',
        certificate: sha256(alice.certificate),
        findings: [],
      },
    ]);
  });

  it('stores the intermediate of a signer below an intermediate CA', async () => {
    const s = await setup();
    const signed = await mail.signed(mail.identity('frank'), 'frank@example.com', { opaque: true });
    expect((await s.post(relayBatch([{ message: signed }]))).status).toBe(200);
    const stored = await s.keystore.get('frank@example.com');
    expect(stored!.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(mail.pki.inter.cert).toString('hex')]);
  });

  it('reads base64-encoded relay content', async () => {
    const s = await setup();
    const signed = await mail.signed(mail.identity('alice'), 'alice@example.com');
    expect((await s.post(relayBatch([{ message: signed, base64: true }]))).status).toBe(200);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'valid', outcome: 'added', sha256: sha256(signed) });
  });

  it('answers 401 to a wrong token and processes nothing', async () => {
    const s = await setup();
    const body = relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]);
    for (const headers of [{ 'X-MessageSystems-Webhook-Token': `${TOKEN}x` }, { 'X-MessageSystems-Webhook-Token': TOKEN.slice(1) }, {}]) {
      const response = await s.post(body, headers);
      expect(response.status).toBe(401);
    }
    await expectNothingStored(s);
    expect(s.messageEvents()).toEqual([]);
    expect(s.events.every((e) => e.type === 'request' && e.reason === 'unauthorized')).toBe(true);
  });

  it('stores nothing when the signer is not the From address', async () => {
    const s = await setup();
    const signed = await mail.signed(mail.identity('alice'), 'bob@example.com');
    expect((await s.post(relayBatch([{ message: signed }]))).status).toBe(200);
    await expectNothingStored(s);
    expect(s.messageEvents()[0]).toMatchObject({ from: 'bob@example.com', verdict: 'invalid', outcome: 'not-stored' });
    expect(s.messageEvents()[0]!.findings).toContain('ERR_FROM_MISMATCH');
  });

  it('stores nothing for a chain to an untrusted root', async () => {
    const s = await setup();
    const signed = await mail.signed(mail.identity('mallory'), 'mallory@example.com');
    expect((await s.post(relayBatch([{ message: signed }]))).status).toBe(200);
    await expectNothingStored(s);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'untrusted', outcome: 'not-stored' });
  });

  it('stores nothing for a tampered body', async () => {
    const s = await setup();
    const signed = Buffer.from(await mail.signed(mail.identity('alice'), 'alice@example.com', { body: 'Pay 100 EUR.' }));
    const at = signed.indexOf('Pay 100');
    expect(at).toBeGreaterThan(0);
    signed.write('Pay 900', at, 'latin1');
    expect((await s.post(relayBatch([{ message: signed }]))).status).toBe(200);
    await expectNothingStored(s);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'invalid', outcome: 'not-stored' });
  });

  it('stores nothing for unsigned mail', async () => {
    const s = await setup();
    expect((await s.post(relayBatch([{ message: plainMessage('alice@example.com') }]))).status).toBe(200);
    await expectNothingStored(s);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'not-signed', outcome: 'not-stored', from: 'alice@example.com' });
  });

  it('treats a redelivered batch the same way, and the store reports it seen', async () => {
    const s = await setup();
    const body = relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]);
    const first = await s.post(body);
    const second = await s.post(body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.text()).toBe(await second.text());
    expect(s.messageEvents().map((e) => e.outcome)).toEqual(['added', 'seen']);
    expect(await s.keystore.history('alice@example.com')).toHaveLength(1);
  });

  it('answers 413 to an oversized body, declared or streamed, and stores nothing', async () => {
    const s = await setup({ maxBodyBytes: 2048 });
    const body = relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]);
    expect(body.length).toBeGreaterThan(2048);
    expect((await s.post(body)).status).toBe(413);
    // Without a Content-Length the limit is enforced while reading.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const response = await fetch(`${s.url}/relay`, {
      method: 'POST',
      headers: { 'X-MessageSystems-Webhook-Token': TOKEN },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    await expectNothingStored(s);
    expect(s.events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && e.reason)).toEqual(['too-large', 'too-large']);
  });

  it('answers 400 to malformed JSON and to JSON that is not a relay batch', async () => {
    const s = await setup();
    expect((await s.post('{"msys": ')).status).toBe(400);
    expect((await s.post('[{"msys":{"message_event":{}}}]')).status).toBe(400);
    await expectNothingStored(s);
  });

  it('reports a body that stops before its end as incomplete, not malformed, and stores nothing', async () => {
    const s = await setup();
    const body = relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]);
    const { hostname, port } = new URL(s.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(`POST /relay HTTP/1.1\r\nHost: ${hostname}\r\nX-MessageSystems-Webhook-Token: ${TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`);
    // The sender goes away with most of the batch unsent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    for (let i = 0; i < 100 && s.events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.events).toEqual([{ type: 'request', status: 400, reason: 'incomplete' }]);
    await expectNothingStored(s);
  });

  it('answers 405 to anything but POST', async () => {
    const s = await setup();
    const response = await fetch(`${s.url}/relay`, { headers: { 'X-MessageSystems-Webhook-Token': TOKEN } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('never replaces a trusted certificate with an untrusted one for the same address', async () => {
    const s = await setup();
    const alice = mail.identity('alice');
    await s.post(relayBatch([{ message: await mail.signed(alice, 'alice@example.com') }]));
    // A look-alike alice@example.com from a CA nobody trusts, issued later than the real one.
    const rogueCa = await generateTestCa({ commonName: 'Rogue CA' });
    const rogue = await generateTestIdentity({ email: 'alice@example.com', ca: rogueCa, notBefore: new Date('2024-01-01T00:00:00Z') });
    const rogueSigner: Identity = { certificate: rogue.certificate, privateKey: rogue.privateKey, chain: rogue.chain };
    const response = await s.post(relayBatch([{ message: await mail.signed(rogueSigner, 'alice@example.com', { messageId: '<t2@example.com>' }) }]));
    expect(response.status).toBe(200);
    const current = await s.keystore.get('alice@example.com');
    expect(Buffer.from(current!.certificate).equals(Buffer.from(alice.certificate))).toBe(true);
    expect(await s.keystore.history('alice@example.com')).toHaveLength(1);
    expect(s.keystore.puts).toHaveLength(1);
    expect(s.messageEvents()[1]).toMatchObject({ verdict: 'untrusted', outcome: 'not-stored' });
  });

  it('processes every message of a batch and answers 200 whatever they held', async () => {
    const s = await setup();
    const batch = relayBatch([
      { message: plainMessage('x@example.com') },
      { message: await mail.signed(mail.identity('mallory'), 'mallory@example.com') },
      { message: await mail.signed(mail.identity('bob'), 'bob@example.com') },
      { message: new TextEncoder().encode('not a message at all') },
    ]);
    expect((await s.post(batch)).status).toBe(200);
    expect(s.messageEvents().map((e) => [e.index, e.verdict, e.outcome])).toEqual([
      [0, 'not-signed', 'not-stored'],
      [1, 'untrusted', 'not-stored'],
      [2, 'valid', 'added'],
      [3, 'not-signed', 'not-stored'],
    ]);
    expect((await s.keystore.list()).map((e) => e.address)).toEqual(['bob@example.com']);
    expect(s.events.at(-1)).toEqual({ type: 'batch', status: 200, messages: 4 });
  });

  it('reports a message core cannot read as unreadable, stores nothing and still answers 200', async () => {
    const strict = createSealpost({ backend: createPkijsBackend(), limits: { maxBytes: 200 } });
    const s = await setup({ sealpost: strict });
    const signed = await mail.signed(mail.identity('alice'), 'alice@example.com');
    expect((await s.post(relayBatch([{ message: signed }]))).status).toBe(200);
    await expectNothingStored(s);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'unreadable', outcome: 'not-stored', from: null, sha256: sha256(signed) });
  });

  it('answers 500 when the key store fails, so SparkPost delivers the batch again', async () => {
    const keystore = createTestKeyStore();
    const failing = { ...keystore, put: async () => Promise.reject(new Error('disk full')) };
    const s = await setup({ keystore: failing });
    const response = await s.post(relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]));
    expect(response.status).toBe(500);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'valid', outcome: 'store-failed', storeError: 'unknown' });
  });

  it('answers 500 and reports the code when the store failure may pass (ERR_KEYSTORE: disk error, database busy)', async () => {
    const keystore = createTestKeyStore();
    const busy = { ...keystore, put: async () => Promise.reject(new SealpostError('ERR_KEYSTORE', 'key store database could not be read or written')) };
    const s = await setup({ keystore: busy });
    const response = await s.post(relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]));
    expect(response.status).toBe(500);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'valid', outcome: 'store-failed', storeError: 'ERR_KEYSTORE' });
    expect(s.events.at(-1)).toEqual({ type: 'batch', status: 500, messages: 1 });
  });

  it.each(['ERR_LIMIT_SIZE', 'ERR_LIMIT_CERTIFICATES'] as const)('answers 200 when the store refuses the certificate or its chain as too large (%s): no redelivery would change that', async (code) => {
    const keystore = createTestKeyStore();
    const tooLarge = { ...keystore, put: async () => Promise.reject(new SealpostError(code, 'put: over the limit every store shares')) };
    const s = await setup({ keystore: tooLarge });
    const response = await s.post(relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]));
    expect(response.status).toBe(200);
    expect(s.messageEvents()[0]).toMatchObject({ verdict: 'valid', outcome: 'not-storable', storeError: code });
  });

  it('answers 200 when the store can never keep a message (its 254-octet address has a 100-octet local part): the others are stored, that one is reported', async () => {
    const notBefore = new Date('2024-01-01T00:00:00Z');
    const ca = await generateTestCa({ commonName: 'Long Address CA', notBefore });
    const long = `${'l'.repeat(100)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(27)}.com`;
    expect(long).toHaveLength(254);
    const sender = await generateTestIdentity({ email: long, ca, notBefore, commonName: 'Long Address' });
    const s = await setup({ trustAnchors: [mail.pki.ca.cert, ca.certificate] });
    const batch = relayBatch([
      { message: await mail.signed(mail.identity('alice'), 'alice@example.com') },
      { message: await mail.signed({ certificate: sender.certificate, privateKey: sender.privateKey }, long, { messageId: '<long@example.com>', body: 'long-body-marker' }) },
    ]);
    const first = await s.post(batch);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok\n');
    expect((await s.keystore.get('alice@example.com'))?.source).toBe('relay-webhook');
    expect(s.messageEvents().map((e) => [e.index, e.from, e.verdict, e.outcome, e.storeError])).toEqual([
      [0, 'alice@example.com', 'valid', 'added', undefined],
      [1, long, 'valid', 'not-storable', 'ERR_ADDRESS_MALFORMED'],
    ]);
    expect(s.events.at(-1)).toEqual({ type: 'batch', status: 200, messages: 2 });
    expect(JSON.stringify(s.events)).not.toContain('long-body-marker');
    // Redelivered, it is answered the same way: nothing is wedged.
    expect((await s.post(batch)).status).toBe(200);
    expect(
      s
        .messageEvents()
        .slice(2)
        .map((e) => e.outcome),
    ).toEqual(['seen', 'not-storable']);
  });

  it('stores and answers the same when the logger throws', async () => {
    const s = await setup({
      log: () => {
        throw new Error('log sink down');
      },
    });
    const response = await s.post(relayBatch([{ message: await mail.signed(mail.identity('alice'), 'alice@example.com') }]));
    expect(response.status).toBe(200);
    expect(await s.keystore.get('alice@example.com')).not.toBeNull();
    expect((await s.post('[]', { 'X-MessageSystems-Webhook-Token': 'wrong' })).status).toBe(401);
  });

  it('logs no message content and no token', async () => {
    const s = await setup();
    const signed = await mail.signed(mail.identity('alice'), 'alice@example.com', { body: 'confidential-body-marker' });
    await s.post(relayBatch([{ message: signed }]));
    await s.post('[]', { 'X-MessageSystems-Webhook-Token': 'wrong' });
    const logged = JSON.stringify(s.events);
    expect(logged).not.toContain('confidential-body-marker');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('wrong');
  });

  it('refuses bad options with TypeError', () => {
    const base = { sealpost: mail.sealpost, keystore: createTestKeyStore(), trustAnchors: [mail.pki.ca.cert], token: TOKEN };
    expect(() => createRelayCollector({ ...base, token: '' })).toThrow(TypeError);
    expect(() => createRelayCollector({ ...base, trustAnchors: [] })).toThrow(TypeError);
    expect(() => createRelayCollector({ ...base, maxBodyBytes: 0 })).toThrow(RangeError);
  });
});
