import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE, P12_PASS, type Pki, assertBuilt, expectOk, makePki, run, sealpost, tempDir } from './helpers.js';

// Real processes (key generation, openssl) on every test.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let pki: Pki;
let dir: string;
let cleanup: () => Promise<void>;
let dave: { cert: string; key: string; p12: string };

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  // An identity made the way a user makes one: keygen with an EC key, issued by the same CA.
  const env = { SEALPOST_TEST_P12: P12_PASS };
  await expectOk(sealpost(['keygen', '--email', 'dave@example.com', '--out', dir, '--ca', dir, '--key-type', 'ec-p256', '--pass-env', 'SEALPOST_TEST_P12'], { env }));
  dave = { cert: join(dir, 'dave@example.com.crt'), key: join(dir, 'dave@example.com.key'), p12: join(dir, 'dave@example.com.p12') };
});
afterAll(() => cleanup());

interface DecryptJson {
  status: string;
  cipher?: string;
  errors: { code: string }[];
}

describe('EC recipients (ECDH key agreement) from the command line', () => {
  it('encrypts to a keygen --key-type ec-p256 identity with the default backend, and it decrypts', async () => {
    const sealed = await expectOk(sealpost(['encrypt', '--to', dave.cert, '--to', pki.bob.cert, '--cipher', 'aes-256-gcm'], { input: MESSAGE }));
    expect(sealed.out).toContain('smime-type=authEnveloped-data');
    for (const [cert, key] of [
      [dave.cert, dave.key],
      [pki.bob.cert, pki.bob.key],
    ]) {
      const result = await sealpost(['decrypt', '--cert', cert!, '--key', key!, '--json'], { input: sealed.out });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.out) as DecryptJson).toMatchObject({ status: 'decrypted', cipher: 'aes-256-gcm', errors: [] });
    }
    const fromP12 = await sealpost(['decrypt', '--p12', dave.p12, '--pass-env', 'P12_PASS'], { input: sealed.out, env: { P12_PASS } });
    expect(fromP12.code, fromP12.stderr).toBe(0);
    expect(fromP12.out).toContain('Revenue up 4 percent');
  });

  it('what the default backend writes for an EC recipient, openssl cms decrypts', async () => {
    const sealed = await expectOk(sealpost(['encrypt', '--to', dave.cert, '--cipher', 'aes-128-cbc'], { input: MESSAGE }));
    const eml = join(dir, 'to-dave.eml');
    await writeFile(eml, sealed.out);
    const result = await run('openssl', ['cms', '-decrypt', '-in', eml, '-recip', dave.cert, '-inkey', dave.key]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('Revenue up 4 percent');
  });

  it('an EC identity can receive signed and encrypted mail and open it as valid', async () => {
    const alice = ['--cert', pki.alice.cert, '--key', pki.alice.key];
    const sealed = await expectOk(sealpost(['sign-encrypt', ...alice, '--to', dave.cert], { input: MESSAGE }));
    const opened = await sealpost(['open', '--cert', dave.cert, '--key', dave.key, '--trust', pki.ca, '--json'], { input: sealed.out });
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.out)).toMatchObject({ status: 'valid', errors: [] });
  });

  for (const backend of ['forge', 'openssl'] as const) {
    it(`--backend ${backend} encrypts to the EC identity too, and the default backend decrypts it`, async () => {
      const sealed = await expectOk(sealpost(['encrypt', '--backend', backend, '--to', dave.cert], { input: MESSAGE }));
      const result = await sealpost(['decrypt', '--cert', dave.cert, '--key', dave.key, '--json'], { input: sealed.out });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.out) as DecryptJson).toMatchObject({ status: 'decrypted', errors: [] });
    });
  }
});
