import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../src/demo/smtp-sink.js';
import { type SparkPostSink, startSparkPostSink } from '../src/demo/sparkpost-sink.js';
import { makeLocalhostCertificate } from '../src/demo/tls-certificate.js';
import { MESSAGE, type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

// Each test starts real processes: give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const API_KEY = 'test-key-0d9f3c';
const SMTP_USER = 'alice';
const SMTP_PASS = 'p@ss word:/%';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let keystore: string;
let sparkpost: SparkPostSink;
let smtp: SmtpSink;
let smtpAuth: SmtpSink;
let smtpCa: string;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  keystore = join(dir, 'keystore');
  // Bob's certificate comes from mail he signed (with the ciphers he reads); Alice's from her file.
  const fromBob = join(dir, 'from-bob.eml');
  await writeFile(fromBob, 'From: bob@example.com\r\nTo: alice@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
  await expectOk(sealpost(['sign', '--cert', pki.bob.cert, '--key', pki.bob.key, '--in', fromBob, '--out', `${fromBob}.signed`]));
  await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--trust', pki.ca, '--in', `${fromBob}.signed`]));
  await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.alice.cert, '--address', pki.alice.email]));
  sparkpost = await startSparkPostSink(API_KEY);
  const certificate = makeLocalhostCertificate();
  smtpCa = join(dir, 'smtp-ca.pem');
  await writeFile(smtpCa, certificate.certPem);
  smtp = await startSmtpSink(certificate);
  smtpAuth = await startSmtpSink(certificate, { users: { [SMTP_USER]: SMTP_PASS } });
});
afterAll(async () => {
  await sparkpost?.close();
  await smtp?.close();
  await smtpAuth?.close();
  await cleanup?.();
});

const alice = (): string[] => ['--cert', pki.alice.cert, '--key', pki.alice.key];
const sparkpostEnv = (): Record<string, string> => ({ SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: sparkpost.baseUrl });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Opens a received copy as `who` with the command, trusting the test CA. */
async function openAs(who: { cert: string; key: string }, message: Uint8Array): Promise<{ code: number | null; out: string; stderr: string }> {
  return sealpost(['open', '--cert', who.cert, '--key', who.key, '--trust', pki.ca], { input: message });
}

describe('sealpost send --via sparkpost', () => {
  it('seals one copy per recipient (Bcc included, in no header) and each opens only for its recipient', async () => {
    const attachment = join(dir, 'terms.txt');
    await writeFile(attachment, 'Terms: net 30 days.\n');
    const before = sparkpost.received.length;
    const result = await sealpost(
      [
        'send',
        '--via',
        'sparkpost',
        ...alice(),
        '--keystore',
        keystore,
        '--from',
        'Alice <alice@example.com>',
        '--to',
        'Bob <bob@example.com>',
        '--bcc',
        'alice@example.com',
        '--subject',
        'Contract',
        '--text',
        'Hi Bob,\nthe terms are attached.',
        '--attach',
        attachment,
      ],
      { env: sparkpostEnv() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^send: 2 of 2 recipient\(s\) accepted \(SparkPost at http:\/\/127\.0\.0\.1:\d+\)$/m);
    expect(result.out).toMatch(/^bob@example\.com +accepted +signed, encrypted aes-256-gcm +id \d+$/m);
    // Alice's certificate was imported from a file: no advertised ciphers, so AES-256-CBC, and the report says why.
    expect(result.out).toMatch(/^alice@example\.com +accepted +signed, encrypted aes-256-cbc \(capabilities unknown\) +id \d+$/m);

    const received = sparkpost.received.slice(before);
    expect(received.map((t) => t.recipients.join())).toEqual(['bob@example.com', 'alice@example.com']);
    for (const t of received) {
      expect(text(t.rfc822)).not.toMatch(/^Bcc:/im);
      expect([t.openTracking, t.clickTracking]).toEqual([false, false]);
    }
    const bobsCopy = received[0]!.rfc822;
    const opened = await openAs(pki.bob, bobsCopy);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/^open: valid$/m);
    expect(opened.out).toContain('Hi Bob,\r\nthe terms are attached.');
    expect(opened.out).toContain('filename="terms.txt"');
    // The copy for the Bcc recipient is not encrypted to Bob.
    const notForBob = await openAs(pki.bob, received[1]!.rfc822);
    expect(notForBob.code).toBe(1);
    expect(notForBob.stderr).toMatch(/^open: failed$/m);
  });

  it('lists a recipient without a certificate and sends nothing (exit 1); sign-only sends it signed', async () => {
    const before = sparkpost.received.length;
    const args = [
      'send',
      '--via',
      'sparkpost',
      ...alice(),
      '--keystore',
      keystore,
      '--from',
      'alice@example.com',
      '--to',
      'bob@example.com',
      '--to',
      'carol@example.com',
      '--subject',
      's',
      '--text',
      't',
    ];
    const refused = await sealpost([...args, '--json'], { env: sparkpostEnv() });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toEqual({
      via: 'sparkpost',
      recipients: [
        { address: 'bob@example.com', status: 'failed', signed: false, encrypted: false, error: { code: 'ERR_NOT_SENT', message: expect.stringContaining('another recipient has no certificate') } },
        { address: 'carol@example.com', status: 'failed', signed: false, encrypted: false, error: { code: 'ERR_NO_CERTIFICATE', message: `no certificate for carol@example.com in ${keystore}` } },
      ],
    });
    expect(sparkpost.received.length).toBe(before);

    const signOnly = await sealpost([...args, '--missing-certificate', 'sign-only'], { env: sparkpostEnv() });
    expect(signOnly.code, signOnly.stderr).toBe(0);
    expect(signOnly.out).toMatch(/^carol@example\.com +accepted +signed +/m);
    const [toBob, toCarol] = sparkpost.received.slice(before);
    expect(toBob?.recipients).toEqual(['bob@example.com']);
    expect(text(toBob!.rfc822)).toMatch(/smime-type=authEnveloped-data/);
    expect(toCarol?.recipients).toEqual(['carol@example.com']);
    expect(text(toCarol!.rfc822)).toMatch(/^Content-Type: multipart\/signed/m);
  });

  it('reports where each cipher came from; --cipher-unknown picks the cipher for recipients nothing is known of', async () => {
    const args = [
      'send',
      '--via',
      'sparkpost',
      ...alice(),
      '--keystore',
      keystore,
      '--from',
      'alice@example.com',
      '--to',
      'bob@example.com',
      '--to',
      'alice@example.com',
      '--subject',
      's',
      '--text',
      't',
      '--json',
    ];
    const before = sparkpost.received.length;
    const chosen = await sealpost(args, { env: sparkpostEnv() });
    expect(chosen.code, chosen.stderr).toBe(0);
    const rows = (out: string) => (JSON.parse(out) as { recipients: { address: string; cipher: string; capabilities: string }[] }).recipients.map((r) => [r.address, r.cipher, r.capabilities]);
    expect(rows(chosen.out)).toEqual([
      ['bob@example.com', 'aes-256-gcm', 'key-store'],
      ['alice@example.com', 'aes-256-cbc', 'unknown'],
    ]);
    const unknownGcm = await sealpost([...args, '--cipher-unknown', 'aes-128-gcm'], { env: sparkpostEnv() });
    expect(rows(unknownGcm.out)).toEqual([
      ['bob@example.com', 'aes-256-gcm', 'key-store'],
      ['alice@example.com', 'aes-128-gcm', 'unknown'],
    ]);
    const forced = await sealpost([...args, '--cipher', 'aes-128-cbc', '--cipher-unknown', 'aes-128-gcm'], { env: sparkpostEnv() });
    expect(rows(forced.out)).toEqual([
      ['bob@example.com', 'aes-128-cbc', 'key-store'],
      ['alice@example.com', 'aes-128-cbc', 'unknown'],
    ]);
    const smimeTypes = sparkpost.received.slice(before).map((t) => /smime-type=([A-Za-z-]+)/.exec(text(t.rfc822))?.[1]);
    expect(smimeTypes).toEqual(['authEnveloped-data', 'enveloped-data', 'authEnveloped-data', 'authEnveloped-data', 'enveloped-data', 'enveloped-data']);
  });

  it('exits 1 with the API error when SparkPost refuses the key', async () => {
    const result = await sealpost(['send', '--via', 'sparkpost', ...alice(), '--keystore', keystore], {
      env: { ...sparkpostEnv(), SPARKPOST_API_KEY: 'wrong' },
      input: MESSAGE,
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^bob@example\.com +failed +signed, encrypted aes-256-gcm +.*\[ERR_TRANSPORT_AUTH\]$/m);
    expect(result.out).not.toContain('wrong');
  });
});

describe('sealpost send --via smtp', () => {
  it('sends over STARTTLS, verifying the server with --smtp-ca, and the copy opens as valid', async () => {
    const message = join(dir, 'message.eml');
    await writeFile(message, MESSAGE);
    const before = smtp.received.length;
    const result = await sealpost(['send', '--via', 'smtp', '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-ca', smtpCa, ...alice(), '--keystore', keystore, '--in', message, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.out) as { via: string; recipients: { address: string; status: string; cipher: string; code: number; response: string }[] };
    expect(report.via).toBe('smtp');
    expect(report.recipients).toEqual([
      expect.objectContaining({ address: 'bob@example.com', status: 'accepted', signed: true, encrypted: true, cipher: 'aes-256-gcm', code: 250, response: expect.stringMatching(/^250 .*DEMO\d{4}/) }),
    ]);
    const received = smtp.received.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'alice@example.com', to: ['bob@example.com'], secure: true });
    const opened = await openAs(pki.bob, received[0]!.bytes);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.out).toContain('the figures are in. Revenue up 4 percent.');
  });

  it('takes the server and credentials from SMTP_URL, or the password from SMTP_PASSWORD for a user in --smtp-url', async () => {
    const before = smtpAuth.received.length;
    const url = `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtpAuth.port}`;
    const fromEnv = await sealpost(['send', '--via', 'smtp', '--smtp-ca', smtpCa, ...alice(), '--keystore', keystore], { env: { SMTP_URL: url }, input: MESSAGE });
    expect(fromEnv.code, fromEnv.out + fromEnv.stderr).toBe(0);
    expect(fromEnv.out).toMatch(/\(SMTP at smtp:\/\/127\.0\.0\.1:\d+\)/);
    const fromFlag = await sealpost(['send', '--via', 'smtp', '--smtp-url', `smtp://${SMTP_USER}@127.0.0.1:${smtpAuth.port}`, '--smtp-ca', smtpCa, ...alice(), '--keystore', keystore], {
      env: { SMTP_PASSWORD: SMTP_PASS },
      input: MESSAGE,
    });
    expect(fromFlag.code, fromFlag.out + fromFlag.stderr).toBe(0);
    expect(smtpAuth.received.slice(before).map((m) => m.user)).toEqual([SMTP_USER, SMTP_USER]);
    for (const r of [fromEnv, fromFlag]) expect(r.out + r.stderr).not.toContain(SMTP_PASS);
  });

  it('sends nothing to a server whose certificate it cannot verify (tls require), exit 1', async () => {
    const before = smtp.received.length;
    const result = await sealpost(['send', '--via', 'smtp', '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, ...alice(), '--keystore', keystore], { input: MESSAGE });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^bob@example\.com +failed +.*\[ERR_TRANSPORT_TLS\]$/m);
    expect(smtp.received.length).toBe(before);
  });
});

describe('secrets never come from the command line', () => {
  it('refuses a password in --smtp-url, pointing at SMTP_URL, without echoing it', async () => {
    const result = await sealpost(['send', '--via', 'smtp', '--smtp-url', 'smtp://alice:hunter2@127.0.0.1:2525', ...alice(), '--keystore', keystore], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: --smtp-url must not carry a password.*SMTP_URL.* \[ERR_USAGE\]\n$/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it.each([
    ['--api-key', 'SPARKPOST_API_KEY'],
    ['--smtp-password', 'SMTP_URL'],
    ['--token', '--token-env'],
  ])('refuses %s with a usage error naming %s', async (flag, where) => {
    const result = await sealpost(['send', '--via', 'sparkpost', flag, 'sekrit-value'], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(where);
    expect(result.stderr).toMatch(/\[ERR_USAGE\]\n$/);
    expect(result.stderr).not.toContain('sekrit-value');
  });

  it('needs SPARKPOST_API_KEY, and SMTP_PASSWORD for a user named in --smtp-url', async () => {
    const noKey = await sealpost(['send', '--via', 'sparkpost', ...alice(), '--keystore', keystore], { env: { SPARKPOST_API_KEY: undefined }, input: MESSAGE });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe('sealpost: environment variable SPARKPOST_API_KEY (the SparkPost API key) is not set [ERR_SECRET_MISSING]\n');
    const noPass = await sealpost(['send', '--via', 'smtp', '--smtp-url', 'smtp://bob@127.0.0.1:2525', ...alice(), '--keystore', keystore], { env: { SMTP_PASSWORD: undefined }, input: MESSAGE });
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/SMTP_PASSWORD .* is not set \[ERR_SECRET_MISSING\]/);
  });
});

describe('sealpost send usage errors (exit 2, nothing sent)', () => {
  it.each([
    [['--in', 'x.eml', '--to', 'bob@example.com'], /give either --in FILE or the composing flags/],
    [['--to', 'bob@example.com'], /composing a message needs --from/],
    [['--from', 'alice@example.com', '--text', 'x'], /needs at least one --to, --cc or --bcc/],
    [['--no-keystore-given'], /unknown option/],
    [['--report', 'r.jsonl'], /--report goes with --bulk/],
  ])('%j', async (extra, message) => {
    const before = sparkpost.received.length;
    const result = await sealpost(['send', '--via', 'sparkpost', ...alice(), '--keystore', keystore, ...extra], { env: sparkpostEnv(), input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(sparkpost.received.length).toBe(before);
  });

  it('needs --keystore to encrypt and an identity to sign', async () => {
    const noStore = await sealpost(['send', '--via', 'sparkpost', ...alice()], { env: sparkpostEnv(), input: MESSAGE });
    expect(noStore.stderr).toMatch(/^sealpost: encrypting needs --keystore/);
    const noIdentity = await sealpost(['send', '--via', 'sparkpost', '--keystore', keystore], { env: sparkpostEnv(), input: MESSAGE });
    expect(noIdentity.stderr).toMatch(/^sealpost: signing needs your identity/);
    expect([noStore.code, noIdentity.code]).toEqual([2, 2]);
  });

  it('refuses to sign with a certificate that is not issued to the From address', async () => {
    const result = await sealpost(['send', '--via', 'sparkpost', '--cert', pki.bob.cert, '--key', pki.bob.key, '--keystore', keystore], { env: sparkpostEnv(), input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not issued to the From address alice@example\.com.*\[ERR_FROM_MISMATCH\]/);
  });

  it('sends without signing or encrypting when asked to (exit 0)', async () => {
    const before = sparkpost.received.length;
    const result = await sealpost(['send', '--via', 'sparkpost', '--no-sign', '--no-encrypt'], { env: sparkpostEnv(), input: MESSAGE });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toMatch(/^bob@example\.com +accepted +plain +/m);
    expect(text(sparkpost.received[before]!.rfc822)).toContain('Revenue up 4 percent.');
  });
});
