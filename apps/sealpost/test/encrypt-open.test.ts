import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE, P12_PASS, type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let pki: Pki;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
});
afterAll(() => cleanup());

function encrypt(args: string[] = []) {
  return expectOk(sealpost(['encrypt', '--to', pki.bob.cert, ...args], { input: MESSAGE })).then((r) => r.out);
}

function bob(): string[] {
  return ['--cert', pki.bob.cert, '--key', pki.bob.key];
}

interface DecryptJson {
  status: string;
  cipher?: string;
  authenticated?: boolean;
  keyTransport?: string;
  errors: { code: string; message: string }[];
}

describe('sealpost encrypt and decrypt', () => {
  it.each([
    ['aes-256-gcm', true, 'authEnveloped-data'],
    ['aes-128-gcm', true, 'authEnveloped-data'],
    ['aes-256-cbc', false, 'enveloped-data'],
    ['aes-128-cbc', false, 'enveloped-data'],
  ] as const)('round-trips with %s (authenticated: %s)', async (cipher, authenticated, smimeType) => {
    const sealed = await encrypt(['--cipher', cipher]);
    expect(sealed).toContain(`smime-type=${smimeType}`);
    expect(sealed).toMatch(/^From: Alice <alice@example.com>\r\n/);
    expect(sealed).not.toContain('Revenue');
    const result = await sealpost(['decrypt', ...bob(), '--json'], { input: sealed });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.out) as DecryptJson;
    expect(report).toMatchObject({ status: 'decrypted', cipher, authenticated, keyTransport: 'rsa-pkcs1', errors: [] });
  });

  it('uses RSA-OAEP with --oaep', async () => {
    const sealed = await encrypt(['--oaep']);
    const result = await sealpost(['decrypt', ...bob(), '--json'], { input: sealed });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'decrypted', keyTransport: 'rsa-oaep' });
  });

  it('prints the message on stdout and the report on stderr without --json', async () => {
    const result = await sealpost(['decrypt', ...bob()], { input: await encrypt(['--cipher', 'aes-256-gcm']) });
    expect(result.code).toBe(0);
    expect(result.out).toContain('Revenue up 4 percent');
    expect(result.out).toMatch(/^From: Alice <alice@example.com>\r\n/m);
    expect(result.stderr).toMatch(/^decrypt: decrypted\n\s+cipher:\s+aes-256-gcm \(authenticated\)/);
  });

  it('with --json writes the message only to --out', async () => {
    const out = join(dir, 'plain.eml');
    const result = await sealpost(['decrypt', ...bob(), '--json', '--out', out], { input: await encrypt() });
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('Revenue');
    expect(await readFile(out, 'utf8')).toContain('Revenue up 4 percent');
  });

  it('decrypts with a PKCS#12 identity', async () => {
    const result = await sealpost(['decrypt', '--p12', pki.bob.p12, '--pass-env', 'P12_PASS'], { input: await encrypt(), env: { P12_PASS } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('Revenue up 4 percent');
  });

  it('refuses CBC with --require-authenticated (exit 1, ERR_NOT_AUTHENTICATED, no output)', async () => {
    const out = join(dir, 'cbc.eml');
    const result = await sealpost(['decrypt', ...bob(), '--require-authenticated', '--json', '--out', out], { input: await encrypt(['--cipher', 'aes-256-cbc']) });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as DecryptJson;
    expect(report.status).toBe('failed');
    expect(report.errors.map((e) => e.code)).toEqual(['ERR_NOT_AUTHENTICATED']);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an existing --out file untouched when decryption is refused', async () => {
    const out = join(dir, 'kept.eml');
    await writeFile(out, 'earlier content\n');
    const result = await sealpost(['decrypt', ...bob(), '--require-authenticated', '--out', out], { input: await encrypt(['--cipher', 'aes-128-cbc']) });
    expect(result.code).toBe(1);
    expect(await readFile(out, 'utf8')).toBe('earlier content\n');
  });

  it('accepts GCM with --require-authenticated', async () => {
    const result = await sealpost(['decrypt', ...bob(), '--require-authenticated', '--json'], { input: await encrypt(['--cipher', 'aes-256-gcm']) });
    expect(result.code).toBe(0);
  });

  it('fails (exit 1) for someone who is not a recipient', async () => {
    const result = await sealpost(['decrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--json'], { input: await encrypt() });
    expect(result.code).toBe(1);
    expect((JSON.parse(result.out) as DecryptJson).status).toBe('failed');
  });

  it('fails (exit 1) with one generic error for a tampered message, writing nothing', async () => {
    const sealed = await encrypt();
    const lines = sealed.split('\r\n');
    // one base64 character in the middle of the CMS: the wrapped key or the ciphertext, either must fail
    const body = lines.indexOf('') + 1;
    const target = body + Math.floor((lines.length - body) / 2);
    const line = lines[target]!;
    lines[target] = line.slice(0, 10) + (line[10] === 'A' ? 'B' : 'A') + line.slice(11);
    const out = join(dir, 'tampered.eml');
    const result = await sealpost(['decrypt', ...bob(), '--out', out], { input: lines.join('\r\n') });
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.stderr).toMatch(/decryption failed \[ERR_DECRYPTION_FAILED\]/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a plain message as not-encrypted (exit 1)', async () => {
    const result = await sealpost(['decrypt', ...bob(), '--json'], { input: MESSAGE });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'not-encrypted' });
  });
});

describe('sealpost sign-encrypt and open', () => {
  it('--protect-headers: the outside says "Subject: [...]", open shows the real one and what was hidden', async () => {
    const sealed = (await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--protect-headers'], { input: MESSAGE }))).out;
    expect(sealed).toMatch(/^From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: \[\.\.\.\]\r\n/);
    expect(sealed).not.toContain('Quarterly');
    const json = await sealpost(['open', ...bob(), '--trust', pki.ca, '--json'], { input: sealed });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.out) as { status: string; headerProtection: { hp: string; confidential: string[]; headers: { name: string; value: string }[] } };
    expect(report.status).toBe('valid');
    expect(report.headerProtection).toMatchObject({ hp: 'cipher', confidential: ['subject'] });
    expect(report.headerProtection.headers).toContainEqual({ name: 'Subject', value: 'Quarterly figures' });
    const text = await sealpost(['open', ...bob(), '--trust', pki.ca], { input: sealed });
    expect(text.code, text.stderr).toBe(0);
    expect(text.out).toMatch(/^Subject: Quarterly figures\r\n/m);
    expect(text.stderr).toContain('protected header (RFC 9788, hp="cipher", signed and encrypted):');
    expect(text.stderr).toMatch(/Subject: +Quarterly figures +\(hidden outside\)/);
  });

  it('sign --protect-headers: a From changed outside is reported, the signer stays bound to the protected one', async () => {
    const signed = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--protect-headers'], { input: MESSAGE }))).out;
    const forged = signed.replace('From: Alice <alice@example.com>', 'From: CEO <ceo@example.com>');
    const result = await sealpost(['verify', '--trust', pki.ca], { input: forged });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('from:           alice@example.com');
    expect(result.out).toContain('changed outside: From: "CEO <ceo@example.com>" (the sender left "Alice <alice@example.com>")');
  });

  it('seals to the recipients and the sender; both open it as valid', async () => {
    const sealed = (await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--cipher', 'aes-256-gcm'], { input: MESSAGE }))).out;
    expect(sealed).toContain('smime-type=authEnveloped-data');
    for (const who of [bob(), ['--cert', pki.alice.cert, '--key', pki.alice.key]]) {
      const result = await sealpost(['open', ...who, '--trust', pki.ca, '--json'], { input: sealed });
      expect(result.code, result.out).toBe(0);
      const report = JSON.parse(result.out) as { status: string; layers: Record<string, unknown>[]; errors: unknown[] };
      expect(report.status).toBe('valid');
      expect(report.errors).toEqual([]);
      expect(report.layers).toHaveLength(2);
      expect(report.layers[0]).toMatchObject({ type: 'enveloped', status: 'decrypted', cipher: 'aes-256-gcm', authenticated: true, keyTransport: 'rsa-pkcs1' });
      expect(report.layers[1]).toMatchObject({ type: 'signed', status: 'valid', from: 'alice@example.com' });
      expect((report.layers[1] as { signers: { addresses: string[] }[] }).signers[0]!.addresses).toEqual(['alice@example.com']);
    }
  });

  it('--no-self leaves the sender out', async () => {
    const sealed = (await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--no-self'], { input: MESSAGE }))).out;
    const alice = await sealpost(['open', '--cert', pki.alice.cert, '--key', pki.alice.key, '--trust', pki.ca, '--json'], { input: sealed });
    expect(alice.code).toBe(1);
    expect(JSON.parse(alice.out)).toMatchObject({ status: 'failed' });
  });

  it('writes the opened message to stdout and the report to stderr', async () => {
    const sealed = (
      await expectOk(sealpost(['sign-encrypt', '--p12', pki.alice.p12, '--pass-env', 'P12_PASS', '--to', pki.bob.cert, '--cipher', 'aes-128-cbc'], { input: MESSAGE, env: { P12_PASS } }))
    ).out;
    const result = await sealpost(['open', ...bob(), '--trust', pki.ca], { input: sealed });
    expect(result.code).toBe(0);
    expect(result.out).toContain('Revenue up 4 percent');
    expect(result.out).toMatch(/^Subject: Quarterly figures\r$/m);
    expect(result.stderr).toMatch(/^open: valid\n/);
    expect(result.stderr).toMatch(/layer 1 \(encrypted\): decrypted\n\s+cipher:\s+aes-128-cbc \(NOT authenticated\)/);
    expect(result.stderr).toMatch(/layer 2 \(signed\): valid/);
  });

  it('is untrusted (exit 1, nothing written) without the right trust anchor', async () => {
    const sealed = (await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert], { input: MESSAGE }))).out;
    const out = join(dir, 'opened.eml');
    const result = await sealpost(['open', ...bob(), '--trust', pki.otherCa, '--out', out], { input: sealed });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^open: untrusted\n/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports an encrypted-only message as decrypted (exit 0)', async () => {
    const sealed = await encrypt();
    const result = await sealpost(['open', ...bob(), '--json'], { input: sealed });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'decrypted', layers: [{ type: 'enveloped', status: 'decrypted' }] });
  });

  it('opens a signed-only message without any identity', async () => {
    const signed = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--opaque'], { input: MESSAGE }))).out;
    const result = await sealpost(['open', '--trust', pki.ca, '--json'], { input: signed });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'valid', layers: [{ type: 'signed', status: 'valid' }] });
  });

  it('tries several identities in turn', async () => {
    const sealed = await encrypt();
    const result = await sealpost(['open', '--cert', pki.alice.cert, '--key', pki.alice.key, ...bob(), '--json'], { input: sealed });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'decrypted' });
  });
});

describe('the cipher encrypt and sign-encrypt choose (the rule send() uses)', () => {
  let keystore: string;
  beforeAll(async () => {
    // Bob's signed mail, collected as the collector would: it advertises GCM.
    const plain = join(dir, 'from-bob.eml');
    await writeFile(plain, 'From: bob@example.com\r\nTo: alice@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHi.\r\n');
    await expectOk(sealpost(['sign', ...bob(), '--in', plain, '--out', `${plain}.signed`]));
    keystore = join(dir, 'collected');
    await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--trust', pki.ca, '--in', `${plain}.signed`]));
  });

  interface PlanJson {
    cipher: string;
    authenticated: boolean;
    chosenBy: string;
    recipients: { addresses: string[]; capabilities: string; smimeCapabilities: string[] }[];
  }

  async function encryptJson(command: string[], extra: string[]): Promise<{ plan: PlanJson; cipher: unknown }> {
    const out = join(dir, `chosen-${Math.random().toString(36).slice(2)}.eml`);
    const result = await expectOk(sealpost([...command, '--to', pki.bob.cert, ...extra, '--json', '--out', out], { input: MESSAGE }));
    const opened = await sealpost(['decrypt', ...bob(), '--json'], { input: await readFile(out) });
    return { plan: JSON.parse(result.out) as PlanJson, cipher: (JSON.parse(opened.out) as DecryptJson).cipher };
  }

  it('encrypt to a certificate without capabilities: AES-256-CBC, and the report says capabilities unknown', async () => {
    const result = await expectOk(sealpost(['encrypt', '--to', pki.bob.cert], { input: MESSAGE }));
    expect(result.out).toContain('smime-type=enveloped-data');
    expect(result.stderr).toMatch(/^encrypt: aes-256-cbc \(NOT authenticated\), from the recipients' capabilities\n/);
    expect(result.stderr).toMatch(/^bob@example\.com +unknown +-$/m);
    expect(result.stderr).toMatch(/^capabilities unknown for 1 recipient\(s\): counted as reading AES-CBC only/m);
    const { plan, cipher } = await encryptJson(['encrypt'], []);
    expect(cipher).toBe('aes-256-cbc');
    expect(plan).toMatchObject({ cipher: 'aes-256-cbc', authenticated: false, chosenBy: 'capabilities' });
    expect(plan.recipients).toEqual([expect.objectContaining({ addresses: ['bob@example.com'], capabilities: 'unknown', smimeCapabilities: [] })]);
  });

  it('encrypt to a certificate whose owner advertised GCM in signed mail collected into --keystore: AES-256-GCM', async () => {
    const { plan, cipher } = await encryptJson(['encrypt'], ['--keystore', keystore]);
    expect(cipher).toBe('aes-256-gcm');
    expect(plan).toMatchObject({ cipher: 'aes-256-gcm', authenticated: true, chosenBy: 'capabilities' });
    expect(plan.recipients[0]).toMatchObject({ capabilities: 'key-store' });
    expect(plan.recipients[0]!.smimeCapabilities).toContain('aes-256-gcm');
    const text = await expectOk(sealpost(['encrypt', '--to', pki.bob.cert, '--keystore', keystore], { input: MESSAGE }));
    expect(text.out).toContain('smime-type=authEnveloped-data');
    expect(text.stderr).toMatch(/^bob@example\.com +key store +aes-256-gcm, /m);
    expect(text.stderr).not.toContain('capabilities unknown');
  });

  it('--cipher-unknown picks the cipher for an unknown recipient; --cipher forces one', async () => {
    expect((await encryptJson(['encrypt'], ['--cipher-unknown', 'aes-128-gcm'])).cipher).toBe('aes-128-gcm');
    const forced = await encryptJson(['encrypt'], ['--keystore', keystore, '--cipher', 'aes-128-cbc', '--cipher-unknown', 'aes-256-gcm']);
    expect(forced.cipher).toBe('aes-128-cbc');
    expect(forced.plan).toMatchObject({ chosenBy: 'cipher', recipients: [{ capabilities: 'key-store' }] });
  });

  it('sign-encrypt chooses the same way, from the --to recipients', async () => {
    const identity = ['--cert', pki.alice.cert, '--key', pki.alice.key];
    expect((await encryptJson(['sign-encrypt', ...identity], [])).cipher).toBe('aes-256-cbc');
    expect((await encryptJson(['sign-encrypt', ...identity], ['--keystore', keystore])).cipher).toBe('aes-256-gcm');
    expect((await encryptJson(['sign-encrypt', ...identity], ['--cipher-unknown', 'aes-128-gcm'])).cipher).toBe('aes-128-gcm');
    const text = await expectOk(sealpost(['sign-encrypt', ...identity, '--to', pki.bob.cert], { input: MESSAGE }));
    expect(text.stderr).toMatch(/^sign-encrypt: aes-256-cbc \(NOT authenticated\)/);
    expect(text.stderr).toMatch(/^bob@example\.com +unknown +-$/m);
  });

  it('--json needs --out for the message (exit 2)', async () => {
    const result = await sealpost(['encrypt', '--to', pki.bob.cert, '--json'], { input: MESSAGE });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.stderr).toMatch(/--out FILE.*\[ERR_USAGE\]/);
  });
});
