import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestPki, ensureTestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, expectOk, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

// The shared test PKI is made by a script with OpenSSL: certificates and .p12 files from another producer.
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

let pki: TestPki;
let dir: string;
let cleanup: () => Promise<void>;

function messageFrom(address: string): string {
  return [`From: <${address}>`, 'To: bob@example.com', 'Subject: fixture', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'Signed by the fixture PKI.', ''].join('\r\n');
}

async function signAs(name: keyof TestPki['identities'], extra: string[] = []): Promise<string> {
  const who = pki.identities[name];
  return (await expectOk(sealpost(['sign', '--cert', who.certPath, '--key', who.keyPath, ...extra], { input: messageFrom(who.email) }))).out;
}

async function verify(message: string, extra: string[] = []): Promise<{ code: number | null; report: { status: string; errors: { code: string }[] } }> {
  const result = await sealpost(['verify', '--trust', pki.ca.certPath, '--json', ...extra], { input: message });
  return { code: result.code, report: JSON.parse(result.out) as { status: string; errors: { code: string }[] } };
}

describe.skipIf(!hasOpenssl)('with the OpenSSL-made test PKI', () => {
  beforeAll(async () => {
    assertBuilt();
    pki = await ensureTestPki();
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup?.());

  it('--chain carries the intermediate, so the root alone is enough to verify', async () => {
    const signed = await signAs('frank', ['--chain', ...pki.identities.frank.chainPaths]);
    expect(await verify(signed)).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('without the intermediate the signer is untrusted, and --intermediate supplies it', async () => {
    const signed = await signAs('frank');
    expect(await verify(signed)).toMatchObject({ code: 1, report: { status: 'untrusted' } });
    const withIntermediate = await verify(
      signed,
      pki.identities.frank.chainPaths.flatMap((p) => ['--intermediate', p]),
    );
    expect(withIntermediate).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('an expired signer certificate is untrusted (exit 1)', async () => {
    const { code, report } = await verify(await signAs('grace'));
    expect(code).toBe(1);
    expect(report.status).toBe('untrusted');
    expect(report.errors.map((e) => e.code)).toContain('ERR_CERTIFICATE_EXPIRED');
  });

  it('a certificate not allowed for e-mail is untrusted (exit 1)', async () => {
    const { code, report } = await verify(await signAs('heidi'));
    expect(code).toBe(1);
    expect(report.errors.map((e) => e.code)).toContain('ERR_CERTIFICATE_USAGE');
  });

  it('a signer from a root nobody trusts is untrusted (exit 1)', async () => {
    expect(await verify(await signAs('mallory'))).toMatchObject({ code: 1, report: { status: 'untrusted' } });
  });

  it('a 1024-bit RSA signer is invalid by default and accepted with --legacy', async () => {
    const signed = await signAs('dave');
    const strict = await verify(signed);
    expect(strict.code).toBe(1);
    expect(strict.report.errors.map((e) => e.code)).toContain('ERR_WEAK_KEY');
    expect(await verify(signed, ['--legacy'])).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('an EC P-256 identity signs with ECDSA', async () => {
    expect(await verify(await signAs('carol'))).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('reads an OpenSSL 3 .p12 with the passphrase from --pass-env', async () => {
    const alice = pki.identities.alice;
    const signed = await sealpost(['sign', '--p12', alice.p12Path, '--pass-env', 'FIXTURE_P12'], {
      input: messageFrom(alice.email),
      env: { FIXTURE_P12: pki.p12Password },
    });
    expect(signed.code, signed.stderr).toBe(0);
    expect(await verify(signed.out)).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('signs with a PKCS#1 ("RSA PRIVATE KEY") key', async () => {
    const alice = pki.identities.alice;
    const pkcs1 = join(dir, 'alice-pkcs1.key');
    const converted = await run('openssl', ['rsa', '-traditional', '-in', alice.keyPath, '-out', pkcs1]);
    expect(converted.code, converted.stderr).toBe(0);
    const signed = await sealpost(['sign', '--cert', alice.certPath, '--key', pkcs1], { input: messageFrom(alice.email) });
    expect(signed.code, signed.stderr).toBe(0);
    expect(await verify(signed.out)).toMatchObject({ code: 0, report: { status: 'valid' } });
  });

  it('exits 2 with one line when the key does not belong to the certificate', async () => {
    const result = await sealpost(['sign', '--cert', pki.identities.alice.certPath, '--key', pki.identities.bob.keyPath], {
      input: messageFrom('alice@example.com'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toMatch(/^sealpost: .*\[ERR_KEY_MISMATCH\]\n$/);
  });

  it('Bob decrypts with his OpenSSL-made .p12 what was encrypted to his certificate', async () => {
    const bob = pki.identities.bob;
    const sealed = (await expectOk(sealpost(['encrypt', '--to', bob.certPath], { input: messageFrom('alice@example.com') }))).out;
    const result = await sealpost(['decrypt', '--p12', bob.p12Path, '--pass-env', 'FIXTURE_P12'], { input: sealed, env: { FIXTURE_P12: pki.p12Password } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('Signed by the fixture PKI.');
  });
});
