import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost, type Identity } from '@sealpost/core';
import { dkimTxtRecord, ensureTestPki, opensslVerifySmime, startDnsTestServer, verifyDkim, type DnsTestServer, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localhostCertificate, rejectionOf } from '../test-support/sample.js';
import { startTestServer, type TestServer } from '../test-support/smtp-test-server.js';
import type { ServerCertificate } from '../test-support/test-certificates.js';
import { createSmtpTransport, type SmtpDkimOptions } from './index.js';

// DKIM over the real parts: the transport signs, the repository's SMTP server (STARTTLS) receives, and
// mailauth, a verifier whose canonicalization shares no code with nodemailer's signer, checks the
// received bytes against the public key it fetches from a DNS server on loopback.

const DOMAIN = 'example.com';
const SELECTOR = 'mail2026';

let pki: TestPki;
let certificate: ServerCertificate;
let smtp: TestServer;
let dns: DnsTestServer;
let alice: Identity;
let bob: Identity;
const signing = rsaKeyPair(2048);
const other = rsaKeyPair(2048);

function rsaKeyPair(bits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

const pkcs8Pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

beforeAll(async () => {
  [pki, certificate] = await Promise.all([ensureTestPki(), localhostCertificate()]);
  alice = { certificate: pki.identities.alice.cert, privateKey: { type: 'pkcs8', der: pki.identities.alice.keyDer } };
  bob = { certificate: pki.identities.bob.cert, privateKey: { type: 'pkcs8', der: pki.identities.bob.keyDer } };
  smtp = await startTestServer({ certificate, users: { alice: 'correct horse' } });
  dns = await startDnsTestServer({
    [`${SELECTOR}._domainkey.${DOMAIN}`]: dkimTxtRecord(signing.publicKey),
    // A selector that exists, but publishes someone else's key.
    [`old._domainkey.${DOMAIN}`]: dkimTxtRecord(other.publicKey),
  });
});

afterAll(async () => {
  await smtp?.close();
  await dns?.close();
});

function message(subject = 'Contract'): Uint8Array {
  return new TextEncoder().encode(
    `From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nMessage-ID: <dkim-${subject.length}@example.com>\r\n` +
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe signed terms are below.\r\n.a line with a dot\r\n',
  );
}

/** Sends SEALED through the STARTTLS server with DKIM and returns the bytes the server stored. */
async function sendSigned(sealed: Uint8Array, overrides: { readonly [K in keyof SmtpDkimOptions]?: SmtpDkimOptions[K] | undefined } = {}): Promise<Uint8Array> {
  const given = { domainName: DOMAIN, keySelector: SELECTOR, privateKey: pkcs8Pem(signing.privateKey), ...overrides };
  // An override of undefined leaves the option out (domainName: its default).
  const dkim = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as unknown as SmtpDkimOptions;
  const transport = createSmtpTransport({ url: `smtp://alice:correct%20horse@127.0.0.1:${smtp.port}`, ca: certificate.certPem, dkim });
  const before = smtp.received.length;
  try {
    const result = await transport.send({ message: sealed, envelope: { from: 'alice@example.com', to: ['bob@example.com'] }, sealed: true });
    expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
  } finally {
    await transport.close();
  }
  const received = smtp.received[before];
  if (received === undefined) throw new Error('the server received nothing');
  expect(received.secure).toBe(true);
  return new Uint8Array(received.bytes);
}

const dkimResults = (bytes: Uint8Array) => verifyDkim(bytes, dns);

/** The received bytes after the DKIM-Signature field the transport put in front. */
function afterSignatureField(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const match = /^DKIM-Signature:[^\r]*\r\n(?:[ \t][^\r]*\r\n)*/.exec(text);
  if (match === null) throw new Error('no DKIM-Signature field in front');
  return bytes.subarray(match[0].length);
}

describe('DKIM after S/MIME, through a real SMTP server', () => {
  it('signs a signed-and-encrypted message: DKIM passes with the key from DNS, and the S/MIME layer still opens valid', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const sealed = await sealpost.signAndEncrypt(message(), { signer: alice, recipients: [pki.identities.bob.cert] });
    const received = await sendSigned(sealed);

    expect(await dkimResults(received)).toEqual([{ result: 'pass', domain: DOMAIN, selector: SELECTOR, comment: undefined }]);
    expect(dns.queries).toContain(`${SELECTOR}._domainkey.${DOMAIN} TXT`);
    // The sealed bytes follow the signature field unchanged.
    expect(Buffer.from(afterSignatureField(received)).equals(Buffer.from(sealed))).toBe(true);
    const opened = await sealpost.open(received, { identities: [bob], trustAnchors: [pki.ca.cert] });
    expect(opened.status).toBe('valid');
  });

  it('signs a multipart/signed message: DKIM passes, and core and openssl cms verify the S/MIME signature', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const signed = await sealpost.sign(message('Signed only'), { signer: alice });
    const received = await sendSigned(signed);

    expect((await dkimResults(received)).map((r) => r.result)).toEqual(['pass']);
    expect((await sealpost.verify(received, { trustAnchors: [pki.ca.cert] })).status).toBe('valid');
    const peer = await opensslVerifySmime({ eml: received, caPath: pki.ca.certPath });
    expect(peer.ok, peer.stderr).toBe(true);
  });

  it('takes the signing domain from the From address when none is given', async () => {
    const received = await sendSigned(message('Default domain'), { domainName: undefined });
    expect(await dkimResults(received)).toEqual([{ result: 'pass', domain: DOMAIN, selector: SELECTOR, comment: undefined }]);
    expect(Buffer.from(received).toString('latin1')).toMatch(/^DKIM-Signature: [^]*\bd=example\.com;/);
  });

  it('signs the From field, the Subject and the MIME fields (relaxed/relaxed, rsa-sha256)', async () => {
    const received = await sendSigned(message('Fields'));
    const field = Buffer.from(received)
      .toString('latin1')
      .split('\r\n\r\n', 1)[0]!
      .replace(/\r\n[ \t]/g, ' ');
    expect(field).toMatch(/a=rsa-sha256;/);
    expect(field).toMatch(/c=relaxed\/relaxed;/);
    const signedFields = /\bh=([^;]+);/.exec(field)?.[1]?.replace(/\s/g, '').split(':');
    expect(signedFields).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'mime-version', 'content-type']));
  });

  it('fails DKIM for a message altered after signing: a body byte, or the Subject', async () => {
    const sealpost = createSealpost({ backend: createPkijsBackend() });
    const sealed = await sealpost.signAndEncrypt(message('Altered'), { signer: alice, recipients: [pki.identities.bob.cert] });
    const received = Buffer.from(await sendSigned(sealed));
    expect((await dkimResults(received)).map((r) => r.result)).toEqual(['pass']);

    const body = Buffer.from(received);
    const last = body.lastIndexOf('A');
    body[last] = 0x42; // one base64 character of the CMS
    // RFC 6376 6.3: a body hash that does not match is a permanent failure; mailauth reports it as
    // "neutral" with this comment (a changed header, below, is "fail").
    expect((await dkimResults(body)).map((r) => [r.result, r.comment])).toEqual([['neutral', 'body hash did not verify']]);

    const subject = Buffer.from(received.toString('latin1').replace('Subject: Altered', 'Subject: Altared'), 'latin1');
    expect((await dkimResults(subject)).map((r) => r.result)).toEqual(['fail']);
  });

  it('fails DKIM for a wrong selector: one publishing another key, or one not published at all', async () => {
    const withOtherKey = await sendSigned(message('Other key'), { keySelector: 'old' });
    expect((await dkimResults(withOtherKey)).map((r) => r.result)).toEqual(['fail']);

    const unpublished = await sendSigned(message('No key'), { keySelector: 'missing' });
    const [result] = await dkimResults(unpublished);
    expect(result?.result).not.toBe('pass');
    expect(result?.result).toMatch(/^(neutral|permerror|fail)$/);
    expect(dns.queries).toContain(`missing._domainkey.${DOMAIN} TXT`);
  });

  // Where a signer's canonicalization and a verifier's could disagree (RFC 6376 3.4.2, 3.4.4).
  it.each([
    [
      'folded fields, runs of spaces and tabs, spaces before the colon',
      'From:   Alice <alice@example.com>  \r\nSubject:\tA  long \r\n\t subject,  folded\r\nTo : bob@example.com\r\n\r\n  spaced \t out  \r\n',
    ],
    ['8-bit bytes in a header field and the body', 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Gr\u00fc\u00dfe\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\u00e9t\u00e9\r\n'],
    ['empty lines at the end of the body', 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: x\r\n\r\nbody\r\n\r\n\r\n'],
    ['an empty body', 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: x\r\n\r\n'],
    ['a body without a final line break (SMTP adds one)', 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: x\r\n\r\nno line end'],
  ])('the signature verifies for %s', async (_name, text) => {
    const received = await sendSigned(new Uint8Array(Buffer.from(text, 'latin1')));
    expect((await dkimResults(received)).map((r) => r.result)).toEqual(['pass']);
  });

  it('sends the same signed bytes on each try when a 4xx defers the message', async () => {
    let tries = 0;
    const busy = await startTestServer({ certificate, data: () => (++tries === 1 ? { kind: 'reply', reply: { code: 451, message: 'try again' } } : { kind: 'accept' }) });
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: busy.port,
      ca: certificate.certPem,
      retry: { initialDelay: 1 },
      dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey: pkcs8Pem(signing.privateKey) },
    });
    try {
      const result = await transport.send({ message: message('Retry'), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } });
      expect(result.recipients.map((r) => r.status)).toEqual(['accepted']);
    } finally {
      await transport.close();
      await busy.close();
    }
    expect(tries).toBe(2);
    const received = busy.received[0]!.bytes;
    expect(received.toString('latin1').match(/^DKIM-Signature:/gm)).toHaveLength(1);
    expect((await dkimResults(new Uint8Array(received))).map((r) => r.result)).toEqual(['pass']);
  });
});

describe('the DKIM key is checked when the transport is created', () => {
  const create =
    (privateKey: string | Uint8Array, dkim: Partial<SmtpDkimOptions> = {}) =>
    () =>
      createSmtpTransport({ host: '127.0.0.1', port: smtp.port, dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey, ...dkim } });

  function creationError(make: () => unknown): unknown {
    try {
      make();
    } catch (error) {
      return error;
    }
    throw new Error('the transport was created');
  }

  it('accepts PKCS#1 PEM, PKCS#8 DER and PKCS#1 DER as well as PKCS#8 PEM', () => {
    const key = signing.privateKey;
    for (const form of [
      key.export({ type: 'pkcs1', format: 'pem' }) as string,
      new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
      new Uint8Array(key.export({ type: 'pkcs1', format: 'der' })),
      new TextEncoder().encode(pkcs8Pem(key)),
    ]) {
      expect(create(form)).not.toThrow();
    }
  });

  it.each([
    ['text that is no key', () => 'not a key at all: hunter2-secret-material'],
    ['a PEM block whose base64 is damaged', () => pkcs8Pem(signing.privateKey).replace(/^(-----BEGIN PRIVATE KEY-----\n.{10})./m, '$1!')],
    ['DER that is no key', () => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])],
    ['a certificate instead of a key', () => pemOf(pki.identities.alice.cert, 'CERTIFICATE')],
  ])('%s: ERR_DKIM_KEY, and the message quotes nothing of it', (_name, key) => {
    const given = key();
    const error = creationError(create(given)) as { code?: string; message: string; cause?: unknown };
    expect(error).toMatchObject({ name: 'SealpostError', code: 'ERR_DKIM_KEY' });
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain('hunter2');
    const text = typeof given === 'string' ? given : Buffer.from(given).toString('latin1');
    for (const line of text.split('\n').filter((l) => l.length > 16 && !l.startsWith('-----'))) expect(error.message).not.toContain(line.slice(0, 16));
  });

  it('an encrypted key: ERR_DKIM_KEY saying so', () => {
    const encrypted = signing.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass phrase' }) as string;
    const error = creationError(create(encrypted));
    expect(error).toMatchObject({ code: 'ERR_DKIM_KEY', message: expect.stringContaining('encrypted') });
  });

  it('an Ed25519 key: ERR_DKIM_KEY (the signer makes rsa-sha256 only), where nodemailer alone would send unsigned', () => {
    const ed25519 = generateKeyPairSync('ed25519').privateKey;
    expect(creationError(create(pkcs8Pem(ed25519)))).toMatchObject({ code: 'ERR_DKIM_KEY', message: expect.stringContaining('RSA keys only') });
  });

  it('an RSA key under 1024 bits: ERR_DKIM_KEY (RFC 8301)', () => {
    const small = rsaKeyPair(768).privateKey;
    expect(creationError(create(pkcs8Pem(small)))).toMatchObject({ code: 'ERR_DKIM_KEY', message: expect.stringContaining('768 bits') });
  });

  it.each([
    ['a selector with a space', { keySelector: 'mail 2026' }],
    ['a selector with a semicolon (a tag of its own)', { keySelector: 'mail;t=y' }],
    ['a domain that is no domain', { domainName: 'example..com' }],
    ['header fields without From', { headerFieldNames: ['Subject', 'To'] }],
    ['a header field name with a colon', { headerFieldNames: ['From', 'Sub:ject'] }],
  ])('%s: TypeError', (_name, dkim) => {
    expect(creationError(create(pkcs8Pem(signing.privateKey), dkim))).toBeInstanceOf(TypeError);
  });
});

describe('messages DKIM cannot sign are refused before connecting', () => {
  it.each([
    ['no From field (the signing domain comes from it)', 'To: bob@example.com\r\nSubject: x\r\n\r\nbody\r\n', 'ERR_FROM_MISSING'],
    ['two From addresses', 'From: alice@example.com, carol@example.com\r\nSubject: x\r\n\r\nbody\r\n', 'ERR_FROM_MULTIPLE'],
  ] as const)('%s', async (_name, text, code) => {
    const connections = smtp.counts.connections;
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: smtp.port,
      ca: certificate.certPem,
      dkim: { keySelector: SELECTOR, privateKey: pkcs8Pem(signing.privateKey) },
    });
    await rejectionOf(transport.send({ message: new TextEncoder().encode(text), envelope: { from: 'alice@example.com', to: ['bob@example.com'] } }), code);
    await transport.close();
    expect(smtp.counts.connections).toBe(connections);
  });
});

function pemOf(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}
