import { generateKeyPairSync } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DnsTestServer, dkimTxtRecord, startDnsTestServer, verifyDkim } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../src/demo/smtp-sink.js';
import { makeLocalhostCertificate } from '../src/demo/tls-certificate.js';
import { MESSAGE, type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

// `send --dkim-key`: the command reads the key from a private file, the SMTP transport signs the sealed
// copies, and mailauth checks what the server received against the key a DNS server on loopback serves.

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const SELECTOR = 'sealpost1';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let keystore: string;
let smtp: SmtpSink;
let smtpCa: string;
let dns: DnsTestServer;
let dkimKey: string;
let dkimKeyPem: string;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  keystore = join(dir, 'keystore');
  await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.bob.cert, '--address', pki.bob.email]));
  const certificate = makeLocalhostCertificate();
  smtpCa = join(dir, 'smtp-ca.pem');
  await writeFile(smtpCa, certificate.certPem);
  smtp = await startSmtpSink(certificate);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dkimKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  dkimKey = join(dir, 'dkim.key');
  await writeFile(dkimKey, dkimKeyPem, { mode: 0o600 });
  dns = await startDnsTestServer({ [`${SELECTOR}._domainkey.example.com`]: dkimTxtRecord(publicKey) });
});
afterAll(async () => {
  await smtp?.close();
  await dns?.close();
  await cleanup?.();
});

const smtpFlags = (): string[] => ['--via', 'smtp', '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-ca', smtpCa];
const alice = (): string[] => ['--cert', pki.alice.cert, '--key', pki.alice.key];

/** Nothing of the key's base64 shows in OUTPUT. */
function expectNoKeyMaterial(output: string): void {
  for (const line of dkimKeyPem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'))) expect(output).not.toContain(line.slice(0, 20));
}

describe('sealpost send --dkim-key', () => {
  it('signs the sealed copy with DKIM for the From domain: DKIM passes, and the copy still opens valid for Bob', async () => {
    const message = join(dir, 'message.eml');
    await writeFile(message, MESSAGE);
    const before = smtp.received.length;
    const result = await sealpost(['send', ...smtpFlags(), ...alice(), '--keystore', keystore, '--in', message, '--dkim-key', dkimKey, '--dkim-selector', SELECTOR]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain(`DKIM ${SELECTOR}._domainkey.<From domain>`);
    expectNoKeyMaterial(result.out + result.stderr);

    const received = smtp.received.slice(before);
    expect(received).toHaveLength(1);
    expect(await verifyDkim(received[0]!.bytes, dns)).toEqual([{ result: 'pass', domain: 'example.com', selector: SELECTOR, comment: undefined }]);
    const opened = await sealpost(['open', '--cert', pki.bob.cert, '--key', pki.bob.key, '--trust', pki.ca], { input: received[0]!.bytes });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/layer 1 \(encrypted\): decrypted[\s\S]*layer 2 \(signed\): valid/);
  });

  it('in bulk with --workers 2, every row is sent signed with DKIM (each thread reads the key file itself)', async () => {
    const csv = join(dir, 'rows.csv');
    const rows = ['reader1@example.org', 'reader2@example.org', 'reader3@example.org'];
    await writeFile(csv, ['email,name', ...rows.map((a, i) => `${a},Reader ${i}`)].join('\r\n') + '\r\n');
    const before = smtp.received.length;
    const result = await sealpost([
      'send',
      ...smtpFlags(),
      ...alice(),
      '--no-encrypt',
      '--bulk',
      csv,
      '--from',
      'Alice <alice@example.com>',
      '--subject',
      'News',
      '--text',
      'Dear {{name}},\nhello.',
      '--report',
      join(dir, 'rows.jsonl'),
      '--workers',
      '2',
      '--concurrency',
      '2',
      '--no-progress',
      '--dkim-key',
      dkimKey,
      '--dkim-selector',
      SELECTOR,
      '--dkim-domain',
      'example.com',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const received = smtp.received.slice(before);
    expect(received.map((m) => m.to.join()).sort()).toEqual(rows);
    for (const m of received)
      expect(
        (await verifyDkim(m.bytes, dns)).map((r) => r.result),
        m.to.join(),
      ).toEqual(['pass']);
  });

  it('refuses a key file other users can read, before sending, without showing the key (exit 2)', async () => {
    const open = join(dir, 'dkim-open.key');
    await writeFile(open, dkimKeyPem);
    await chmod(open, 0o644);
    const before = smtp.received.length;
    const result = await sealpost(['send', ...smtpFlags(), ...alice(), '--keystore', keystore, '--dkim-key', open, '--dkim-selector', SELECTOR], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: DKIM private key .*dkim-open\.key can be read or changed by other users \(mode 644\).*chmod 600.* \[ERR_FILE_PERMISSIONS\]\n$/);
    expectNoKeyMaterial(result.out + result.stderr);
    expect(smtp.received.length).toBe(before);
  });

  it('refuses a key that cannot sign with ERR_DKIM_KEY, quoting nothing of it, before sending (exit 2)', async () => {
    const ed25519 = join(dir, 'dkim-ed25519.key');
    await writeFile(ed25519, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const damaged = join(dir, 'dkim-damaged.key');
    await writeFile(damaged, dkimKeyPem.replace(/^(-----BEGIN PRIVATE KEY-----\n.{8})./m, '$1*'), { mode: 0o600 });
    const before = smtp.received.length;
    for (const key of [ed25519, damaged]) {
      const result = await sealpost(['send', ...smtpFlags(), ...alice(), '--keystore', keystore, '--dkim-key', key, '--dkim-selector', SELECTOR], { input: MESSAGE });
      expect(result.code, key).toBe(2);
      expect(result.stderr).toMatch(/^sealpost: the DKIM private key .*\[ERR_DKIM_KEY\]\n$/);
      expectNoKeyMaterial(result.out + result.stderr);
    }
    expect(smtp.received.length).toBe(before);
  });

  it.each([
    ['--dkim-key without --dkim-selector', ['--via', 'smtp', '--smtp-url', 'smtp://127.0.0.1:2525', '--dkim-key', 'dkim.key'], /needs both --dkim-key FILE and --dkim-selector/],
    ['--dkim-selector without --dkim-key', ['--via', 'smtp', '--smtp-url', 'smtp://127.0.0.1:2525', '--dkim-selector', SELECTOR], /needs both --dkim-key FILE and --dkim-selector/],
    ['DKIM flags with --via sparkpost', ['--via', 'sparkpost', '--dkim-key', 'dkim.key', '--dkim-selector', SELECTOR], /go with --via smtp; SparkPost signs with DKIM itself/],
    ['a selector that could add a tag', ['--via', 'smtp', '--smtp-url', 'smtp://127.0.0.1:2525', '--dkim-key', 'KEY', '--dkim-selector', 'a;t=y'], /dkim\.keySelector must be a selector/],
  ])('%s: usage error (exit 2)', async (_name, flags, message) => {
    const args = flags.map((f) => (f === 'KEY' ? dkimKey : f));
    const result = await sealpost(['send', ...args, ...alice(), '--no-encrypt'], { input: MESSAGE, env: { SPARKPOST_API_KEY: 'unused-key' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\[ERR_USAGE\]\n$/);
  });
});
