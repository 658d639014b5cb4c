import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtpSink } from '../src/demo/smtp-sink.js';
import { makeLocalhostCertificate } from '../src/demo/tls-certificate.js';
import { assertBuilt, expectOk, run, sealpost, tempDir } from './helpers.js';

// keygen --key-type ed25519: an Ed25519 test CA, an Ed25519 signing certificate and the X25519 encryption
// certificate that goes with it (RFC 9216's pairing), and sign, encrypt, sign-encrypt and open with them
// on every backend. Real key generation and real processes.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const BACKENDS = ['pkijs', 'forge', 'openssl'] as const;
const MESSAGE = ['From: Erin <erin@example.com>', 'To: Erin <erin@example.com>', 'Subject: Signed with Ed25519', '', 'Edwards and Montgomery say hello.', ''].join('\r\n');

let dir: string;
let cleanup: () => Promise<void>;
const erin = { ca: '', cert: '', key: '', p12: '', encCert: '', encKey: '', encP12: '' };

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  const made = await expectOk(sealpost(['keygen', '--email', 'erin@example.com', '--out', dir, '--key-type', 'ed25519']));
  expect(made.out).toContain('encryption');
  const base = join(dir, 'erin@example.com');
  Object.assign(erin, { ca: join(dir, 'ca.crt'), cert: `${base}.crt`, key: `${base}.key`, p12: `${base}.p12`, encCert: `${base}.enc.crt`, encKey: `${base}.enc.key`, encP12: `${base}.enc.p12` });
});
afterAll(() => cleanup());

const signing = () => ['--cert', erin.cert, '--key', erin.key];
const receiving = () => ['--cert', erin.encCert, '--key', erin.encKey];

describe('keygen --key-type ed25519', () => {
  it('writes an Ed25519 CA, an Ed25519 signing certificate and an X25519 encryption certificate, keys 0600', async () => {
    const text = async (path: string) => (await expectOk(run('openssl', ['x509', '-in', path, '-noout', '-text']))).out;
    const ca = await text(erin.ca);
    expect(ca).toMatch(/Signature Algorithm: ED25519/);
    expect(ca).toMatch(/Public Key Algorithm: ED25519/);
    const sig = await text(erin.cert);
    expect(sig).toMatch(/Public Key Algorithm: ED25519/);
    expect(sig).toMatch(/Digital Signature, Non Repudiation/);
    const enc = await text(erin.encCert);
    expect(enc).toMatch(/Public Key Algorithm: X25519/);
    expect(enc).toMatch(/Key Usage: critical\s+Key Agreement/);
    for (const secret of [join(dir, 'ca.key'), erin.key, erin.p12, erin.encKey, erin.encP12]) expect((await stat(secret)).mode & 0o777, secret).toBe(0o600);
    // Both chain to the CA, by its Ed25519 signature, for openssl too.
    for (const cert of [erin.cert, erin.encCert]) expect((await run('openssl', ['verify', '-CAfile', erin.ca, cert])).code).toBe(0);
  });

  it('issues another Ed25519 identity with that CA (--ca)', async () => {
    await expectOk(sealpost(['keygen', '--email', 'frank@example.com', '--out', join(dir, 'frank'), '--ca', dir, '--key-type', 'ed25519']));
    expect((await run('openssl', ['verify', '-CAfile', erin.ca, join(dir, 'frank', 'frank@example.com.enc.crt')])).code).toBe(0);
  });
});

describe('Ed25519 and X25519 identities on the command line', () => {
  for (const backend of BACKENDS) {
    it(`--backend ${backend} signs with Ed25519 (SHA-512 by default), every backend verifies it valid`, async () => {
      const signed = await expectOk(sealpost(['sign', '--backend', backend, ...signing()], { input: MESSAGE }));
      expect(signed.out).toContain('micalg=sha-512');
      for (const verifier of BACKENDS) {
        const result = await sealpost(['verify', '--backend', verifier, '--trust', erin.ca, '--json'], { input: signed.out });
        expect(result.code, `${verifier}: ${result.stderr}`).toBe(0);
        expect(JSON.parse(result.out)).toMatchObject({ status: 'valid', signers: [{ digest: 'sha-512', matchesFrom: true }] });
      }
    });

    it(`--backend ${backend} encrypts to the X25519 certificate, every backend decrypts it`, async () => {
      const sealed = await expectOk(sealpost(['encrypt', '--backend', backend, '--to', erin.encCert, '--cipher', 'aes-256-gcm'], { input: MESSAGE }));
      for (const reader of BACKENDS) {
        const result = await sealpost(['decrypt', '--backend', reader, ...receiving(), '--json'], { input: sealed.out });
        expect(result.code, `${reader}: ${result.stderr}`).toBe(0);
        expect(JSON.parse(result.out)).toMatchObject({ status: 'decrypted', cipher: 'aes-256-gcm', keyAgreement: 'x25519', errors: [] });
      }
    });
  }

  it('sign-encrypt signs with the Ed25519 key and encrypts to the X25519 certificate (--self-cert); open reads it valid', async () => {
    const sealed = await expectOk(sealpost(['sign-encrypt', ...signing(), '--self-cert', erin.encCert], { input: MESSAGE }));
    const opened = await sealpost(['open', ...receiving(), '--trust', erin.ca, '--json'], { input: sealed.out });
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.out)).toMatchObject({ status: 'valid', errors: [] });
  });

  it('refusals: another digest than SHA-512, an Ed25519 certificate as its own encryption certificate, as a recipient', async () => {
    const digest = await sealpost(['sign', ...signing(), '--digest', 'sha-256'], { input: MESSAGE });
    expect(digest.code).not.toBe(0);
    expect(digest.stderr).toContain('ERR_UNSUPPORTED_DIGEST');
    const self = await sealpost(['sign-encrypt', ...signing()], { input: MESSAGE });
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('--self-cert');
    const recipient = await sealpost(['encrypt', '--to', erin.cert], { input: MESSAGE });
    expect(recipient.code).not.toBe(0);
    expect(recipient.stderr).toContain('ERR_UNSUPPORTED_KEY');
    expect(recipient.out).toBe('');
  });
});

describe('send from an Ed25519 identity', () => {
  it('your copy goes to the X25519 certificate (--self-cert); without it nothing is sent (exit 2)', async () => {
    const frankDir = join(dir, 'frank');
    const keystore = join(dir, 'send-keys');
    await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', join(frankDir, 'frank@example.com.enc.crt'), '--address', 'frank@example.com']));
    const certificate = makeLocalhostCertificate();
    const smtpCa = join(dir, 'send-smtp-ca.pem');
    await writeFile(smtpCa, certificate.certPem);
    const smtp = await startSmtpSink(certificate);
    try {
      const toFrank = MESSAGE.replace('To: Erin <erin@example.com>', 'To: Frank <frank@example.com>');
      const args = ['send', '--via', 'smtp', '--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-ca', smtpCa, ...signing(), '--keystore', keystore, '--json'];
      const refused = await sealpost(args, { input: toFrank });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--self-cert');
      expect(smtp.received).toHaveLength(0);

      const sent = await sealpost([...args, '--self-cert', erin.encCert], { input: toFrank });
      expect(sent.code, sent.stderr).toBe(0);
      expect(smtp.received).toHaveLength(1);
      const copy = Buffer.from(smtp.received[0]!.bytes).toString('latin1');
      for (const reader of [['--cert', join(frankDir, 'frank@example.com.enc.crt'), '--key', join(frankDir, 'frank@example.com.enc.key')], receiving()]) {
        const opened = await sealpost(['open', ...reader, '--trust', erin.ca, '--json'], { input: copy });
        expect(opened.code, opened.stderr).toBe(0);
        expect(JSON.parse(opened.out)).toMatchObject({ status: 'valid', errors: [] });
      }
    } finally {
      await smtp.close();
    }
  });
});
