import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, MESSAGE, P12_PASS, type Pki, assertBuilt, expectOk, makePki, replaceOnce, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let pki: Pki;
let dir: string;
let cleanup: () => Promise<void>;
let detached: string;
let opaque: string;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  detached = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key], { input: MESSAGE }))).out;
  opaque = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--opaque'], { input: MESSAGE }))).out;
});
afterAll(() => cleanup());

interface VerifyJson {
  status: string;
  from: string | null;
  signers: {
    addresses: string[];
    signatureValid: boolean;
    trusted: boolean;
    matchesFrom: boolean;
    digest: string;
    signingTime?: string;
    certificate: { subject: string; issuer: string; serial: string; sha256: string };
  }[];
  errors: { code: string; message: string }[];
}

function verifyJson(input: string, trust = pki.ca, extra: string[] = []) {
  return sealpost(['verify', '--trust', trust, '--json', ...extra], { input });
}

describe('sealpost sign', () => {
  it('makes detached multipart/signed by default, keeping the outer header fields', () => {
    expect(detached).toMatch(/^From: Alice <alice@example.com>\r\n/);
    expect(detached).toMatch(/Content-Type: multipart\/signed;[^]*protocol="application\/pkcs7-signature"/);
    expect(detached).toMatch(/micalg="?sha-256"?/);
  });

  it('makes opaque signed-data with --opaque', () => {
    expect(opaque).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=signed-data/);
  });

  it('uses the digest asked for', async () => {
    const signed = await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--digest', 'sha-512'], { input: MESSAGE }));
    expect(signed.out).toMatch(/micalg="?sha-512"?/);
    const report = JSON.parse((await verifyJson(signed.out)).out) as VerifyJson;
    expect(report.signers[0]!.digest).toBe('sha-512');
  });

  it('signs with a PKCS#12 identity and the passphrase from --pass-env', async () => {
    const signed = await sealpost(['sign', '--p12', pki.alice.p12, '--pass-env', 'P12_PASS'], { input: MESSAGE, env: { P12_PASS } });
    expect(signed.code, signed.stderr).toBe(0);
    expect((await verifyJson(signed.out)).code).toBe(0);
  });

  it('exits 2 with one line and no stack for a wrong .p12 passphrase', async () => {
    const result = await sealpost(['sign', '--p12', pki.alice.p12, '--pass-env', 'P12_PASS', '--out', join(dir, 'never.eml')], {
      input: MESSAGE,
      env: { P12_PASS: 'not-the-pass-Zq81' },
    });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toMatch(/^sealpost: PKCS#12 file .*alice@example\.com\.p12: .* \[ERR_PKCS12_PASSWORD\]\n$/);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(result.stderr).not.toContain('not-the-pass-Zq81');
    expect(existsSync(join(dir, 'never.eml'))).toBe(false);
  });

  it('says that a protected .p12 given without --pass-env needs a passphrase, and how to give it', async () => {
    for (const command of [['sign'], ['decrypt'], ['open', '--trust', pki.ca]]) {
      const result = await sealpost([...command, '--p12', pki.alice.p12, '--out', join(dir, 'never.eml')], { input: MESSAGE });
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.stderr).toBe(
        `sealpost: PKCS#12 file ${pki.alice.p12} is protected by a passphrase: put it in an environment variable and name the variable with --pass-env VAR [ERR_PASSPHRASE_MISSING]\n`,
      );
      expect(existsSync(join(dir, 'never.eml'))).toBe(false);
    }
  });

  it('refuses a --key or --p12 that other users can read (ERR_FILE_PERMISSIONS, nothing written), reads one handed over through a pipe, up to 1 MiB', async () => {
    const openKey = join(dir, 'alice-open.key');
    const openP12 = join(dir, 'alice-open.p12');
    await writeFile(openKey, await readFile(pki.alice.key));
    await writeFile(openP12, await readFile(pki.alice.p12));
    await chmod(openKey, 0o644);
    await chmod(openP12, 0o604);
    for (const [flags, what, mode] of [
      [['--cert', pki.alice.cert, '--key', openKey], 'private key', '644'],
      [['--p12', openP12, '--pass-env', 'P12_PASS'], 'PKCS#12 file', '604'],
    ] as const) {
      const result = await sealpost(['sign', ...flags, '--out', join(dir, 'never.eml')], { input: MESSAGE, env: { P12_PASS } });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `sealpost: ${what} ${flags[1] === openP12 ? openP12 : openKey} can be read or changed by other users (mode ${mode}); make it private with chmod 600 ${flags[1] === openP12 ? openP12 : openKey} (or 640 for a group) [ERR_FILE_PERMISSIONS]\n`,
      );
      expect(existsSync(join(dir, 'never.eml'))).toBe(false);
    }
    // A group may read it (640), as ssh allows for a shared service account's group.
    await chmod(openKey, 0o640);
    await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', openKey], { input: MESSAGE }));
    const piped = await run('bash', ['-c', 'exec "$0" "$1" sign --cert "$2" --key <(cat "$3")', process.execPath, BIN, pki.alice.cert, openKey], { input: MESSAGE });
    expect(piped.code, piped.stderr).toBe(0);
    expect((await verifyJson(piped.out)).code).toBe(0);
    // A stream that never ends is read up to a key file's limit, not into memory without end.
    const endless = await sealpost(['sign', '--cert', pki.alice.cert, '--key', '/dev/zero'], { input: MESSAGE });
    expect(endless.code).toBe(2);
    expect(endless.stderr).toBe('sealpost: private key /dev/zero is larger than 1048576 bytes, the most a key file may have [ERR_LIMIT_SIZE]\n');
  });

  it('shows a stack only with SEALPOST_DEBUG=1', async () => {
    const result = await sealpost(['sign', '--p12', pki.alice.p12, '--pass-env', 'P12_PASS'], {
      input: MESSAGE,
      env: { P12_PASS: 'not-the-pass-Zq81', SEALPOST_DEBUG: '1' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[ERR_PKCS12_PASSWORD\]\n[^]*\bat .*\.js:\d+/);
  });

  it('exits 2 for a missing key file', async () => {
    const result = await sealpost(['sign', '--cert', pki.alice.cert, '--key', join(dir, 'missing.key')], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`sealpost: cannot read private key ${join(dir, 'missing.key')}: no such file or directory [ERR_FILE_UNREADABLE]\n`);
  });

  it('exits 2 for a missing input file', async () => {
    const result = await sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', join(dir, 'missing.eml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: cannot read input file .*missing\.eml: no such file or directory \[ERR_FILE_UNREADABLE\]\n$/);
  });

  it('exits 2 when a certificate file holds no certificate', async () => {
    const bogus = join(dir, 'bogus.crt');
    await writeFile(bogus, 'not a certificate\n');
    const result = await sealpost(['sign', '--cert', bogus, '--key', pki.alice.key], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: certificate .*bogus\.crt: .*\[ERR_\w+\]\n$/);
  });

  it('exits 2 without an identity, or with a --cert lacking its --key', async () => {
    const none = await sealpost(['sign'], { input: MESSAGE });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/an identity is needed.*\[ERR_USAGE\]/);
    const half = await sealpost(['sign', '--cert', pki.alice.cert], { input: MESSAGE });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/every --cert needs its --key.*\[ERR_USAGE\]/);
  });

  it('writes --out atomically with mode 0600', async () => {
    const out = join(dir, 'signed.eml');
    await writeFile(join(dir, 'msg.eml'), MESSAGE);
    await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', join(dir, 'msg.eml'), '--out', out]));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 2 with ERR_FILE_WRITE when --out cannot be written, leaving nothing behind', async () => {
    const out = join(dir, 'no-such-folder', 'signed.eml');
    const result = await sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--out', out], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.stderr).toMatch(/^sealpost: cannot write .*signed\.eml: no such file or directory \[ERR_FILE_WRITE\]\n$/);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});

describe('sealpost verify', () => {
  it.each([
    ['detached', () => detached],
    ['opaque', () => opaque],
  ])('reports a %s signature from a trusted signer matching From as valid (exit 0)', async (form, message) => {
    const result = await verifyJson(message());
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.out) as VerifyJson & { form?: string };
    expect(report).toMatchObject({ status: 'valid', from: 'alice@example.com', errors: [] });
    expect(report.form).toBe(form);
    expect(report.signers).toHaveLength(1);
    const signer = report.signers[0]!;
    expect(signer).toMatchObject({ addresses: ['alice@example.com'], signatureValid: true, trusted: true, matchesFrom: true, digest: 'sha-256' });
    expect(Number.isNaN(Date.parse(signer.signingTime ?? ''))).toBe(false);
    expect(signer.certificate.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(signer.certificate.serial).toMatch(/^[0-9a-f]+$/);
    expect(signer.certificate.subject).toBeTypeOf('string');
    expect(signer.certificate.issuer).toBeTypeOf('string');
    // the report is the only thing on stdout, and bytes never go into it
    expect(result.out).not.toContain('content');
    expect(result.out).not.toContain('signerCertificates');
  });

  it('prints a human report without --json', async () => {
    const result = await sealpost(['verify', '--trust', pki.ca], { input: detached });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^verify: valid\n/);
    expect(result.out).toContain('alice@example.com');
    expect(result.out).toMatch(/matches From: yes/);
  });

  it('reports a tampered message as invalid (exit 1) and writes no --out file', async () => {
    const tampered = replaceOnce(detached, 'Revenue up 4 percent', 'Revenue up 9 percent');
    const out = join(dir, 'tampered-content.eml');
    const result = await verifyJson(tampered, pki.ca, ['--out', out]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as VerifyJson;
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain('ERR_DIGEST_MISMATCH');
    expect(existsSync(out)).toBe(false);
  });

  it('writes exactly the verified content to --out when valid', async () => {
    const out = join(dir, 'verified.mime');
    const result = await verifyJson(detached, pki.ca, ['--out', out]);
    expect(result.code).toBe(0);
    const content = await readFile(out, 'utf8');
    expect(content).toContain('Revenue up 4 percent');
    expect(detached).toContain(content);
  });

  it('reports a signer from another CA as untrusted (exit 1)', async () => {
    const result = await verifyJson(detached, pki.otherCa);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as VerifyJson;
    expect(report.status).toBe('untrusted');
    expect(report.signers[0]).toMatchObject({ signatureValid: true, trusted: false });
  });

  it('reports a signer who is not the From address as invalid (exit 1)', async () => {
    const signed = await expectOk(sealpost(['sign', '--cert', pki.bob.cert, '--key', pki.bob.key], { input: MESSAGE }));
    const result = await verifyJson(signed.out);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as VerifyJson;
    expect(report.status).toBe('invalid');
    expect(report.signers[0]).toMatchObject({ signatureValid: true, trusted: true, matchesFrom: false });
    expect(report.errors.map((e) => e.code)).toContain('ERR_FROM_MISMATCH');
  });

  it('reports an unsigned message as not-signed (exit 1)', async () => {
    const result = await verifyJson(MESSAGE);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'not-signed', from: 'alice@example.com', signers: [] });
  });

  it('needs --trust (exit 2)', async () => {
    const result = await sealpost(['verify'], { input: detached });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sealpost: verify needs at least one --trust CA certificate [ERR_USAGE]\n');
  });

  it('exits 2 for a missing trust anchor file', async () => {
    const result = await sealpost(['verify', '--trust', join(dir, 'nope.crt')], { input: detached });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: cannot read trust anchor .*nope\.crt: no such file or directory \[ERR_FILE_UNREADABLE\]\n$/);
  });
});

describe('sealpost verify --at', () => {
  it('judges the certificates at the time given and says which time it used', async () => {
    const lastYear = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const before = await verifyJson(detached, pki.ca, ['--at', lastYear]);
    expect(before.code).toBe(1);
    const report = JSON.parse(before.out) as VerifyJson & { verificationTime: string };
    expect(report.status).toBe('untrusted');
    expect(report.errors.map((e) => e.code)).toContain('ERR_CERTIFICATE_NOT_YET_VALID');
    expect(report.verificationTime).toBe(`${lastYear}T00:00:00.000Z`);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const text = await expectOk(sealpost(['verify', '--trust', pki.ca, '--at', tomorrow], { input: detached }));
    expect(text.out).toMatch(/^verify: valid/);
    expect(text.out).toContain(`checked at:     ${tomorrow.replace('Z', '.000Z')}`);
  });

  it('refuses a time that is not ISO 8601 with a zone, as a usage error', async () => {
    for (const at of ['yesterday', '2021-13-01', '2021-03-01T12:00:00']) {
      const result = await verifyJson(detached, pki.ca, ['--at', at]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('[ERR_USAGE]');
    }
  });
});
