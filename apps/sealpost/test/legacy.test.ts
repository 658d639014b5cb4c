import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TestPki, ensureTestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKEND_NAMES } from '../src/backends.js';
import { assertBuilt, expectOk, run, sealpost, tempDir } from './helpers.js';

// Real openssl makes the old files at test time: give it room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
// RC2 (in .p12 files and in CMS) is written by openssl only with its legacy provider.
const hasLegacyProvider = hasOpenssl && spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-providers']).status === 0;

const MESSAGE = ['From: <alice@example.com>', 'To: bob@example.com', 'Subject: from the archive', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'Sealed in 2004.', ''].join('\r\n');

let pki: TestPki;
let dir: string;
let cleanup: () => Promise<void>;

/** An S/MIME message sealed by `openssl cms -encrypt` with a legacy cipher to Bob. */
async function sealedByOpenssl(flag: string): Promise<string> {
  const out = join(dir, `sealed-${flag}.eml`);
  await writeFile(join(dir, 'message.eml'), MESSAGE);
  const providers = flag.startsWith('rc2') ? ['-provider', 'legacy', '-provider', 'default'] : [];
  const made = await run('openssl', ['cms', '-encrypt', ...providers, `-${flag}`, '-in', join(dir, 'message.eml'), '-out', out, pki.identities.bob.certPath]);
  expect(made.code, made.stderr).toBe(0);
  // openssl writes the MIME headers of the encrypted part only; the message's own go on top.
  return `From: <alice@example.com>\r\nTo: bob@example.com\r\nSubject: from the archive\r\n${(await readFile(out, 'latin1')).replace(/\r?\n/g, '\r\n')}`;
}

describe.skipIf(!hasOpenssl)('legacy archives: 3DES and RC2 content, legacy .p12 files', () => {
  beforeAll(async () => {
    assertBuilt();
    pki = await ensureTestPki();
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup?.());

  for (const backend of BACKEND_NAMES) {
    it(`decrypt (${backend}): 3DES is refused without --legacy (exit 1, ERR_WEAK_CIPHER) and read with it`, async () => {
      const sealed = await sealedByOpenssl('des3');
      const bob = pki.identities.bob;
      const strict = await sealpost(['decrypt', '--backend', backend, '--cert', bob.certPath, '--key', bob.keyPath, '--json'], { input: sealed });
      expect(strict.code).toBe(1);
      expect(JSON.parse(strict.out)).toMatchObject({ status: 'failed', cipher: 'des-ede3-cbc', authenticated: false, errors: [{ code: 'ERR_WEAK_CIPHER' }] });
      const legacy = await sealpost(['decrypt', '--backend', backend, '--cert', bob.certPath, '--key', bob.keyPath, '--legacy', '--json'], { input: sealed });
      expect(legacy.code, legacy.stderr).toBe(0);
      expect(JSON.parse(legacy.out)).toEqual({ status: 'decrypted', cipher: 'des-ede3-cbc', authenticated: false, keyTransport: 'rsa-pkcs1', errors: [] });
    });
  }

  it.skipIf(!hasLegacyProvider)('open --legacy reads RC2-40 with the key from a .p12 written by openssl pkcs12 -export -legacy', async () => {
    const bob = pki.identities.bob;
    const p12 = join(dir, 'bob-legacy.p12');
    const exported = await run('openssl', ['pkcs12', '-export', '-legacy', '-in', bob.certPath, '-inkey', bob.keyPath, '-passout', 'env:OLD_P12', '-out', p12], {
      env: { OLD_P12: 'old secret' },
    });
    expect(exported.code, exported.stderr).toBe(0);
    const sealed = await sealedByOpenssl('rc2-40');
    const opened = await sealpost(['open', '--p12', p12, '--pass-env', 'OLD_P12', '--legacy', '--json', '--out', join(dir, 'opened.eml')], { input: sealed, env: { OLD_P12: 'old secret' } });
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.out)).toMatchObject({ status: 'decrypted', layers: [{ type: 'enveloped', status: 'decrypted', cipher: 'rc2-40-cbc', authenticated: false }] });
    expect(await readFile(join(dir, 'opened.eml'), 'utf8')).toContain('Sealed in 2004.');
    // The same .p12 with a wrong passphrase: the one clear error, exit 2.
    const wrong = await sealpost(['open', '--p12', p12, '--pass-env', 'OLD_P12', '--legacy'], { input: sealed, env: { OLD_P12: 'new secret' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('[ERR_PKCS12_PASSWORD]');
  });

  it("signs with the fixtures' 3DES .p12 (what gpgsm imports), and the signature verifies", async () => {
    const alice = pki.identities.alice;
    const signed = await expectOk(sealpost(['sign', '--p12', alice.p12LegacyPath, '--pass-env', 'FIXTURE_P12'], { input: MESSAGE, env: { FIXTURE_P12: pki.p12Password } }));
    const verified = await sealpost(['verify', '--trust', pki.ca.certPath, '--json'], { input: signed.out });
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ status: 'valid' });
  });

  it('encrypt never writes a legacy cipher (usage error, exit 2)', async () => {
    const result = await sealpost(['encrypt', '--to', pki.identities.bob.certPath, '--cipher', 'des-ede3-cbc'], { input: MESSAGE });
    expect(result.code).toBe(2);
  });
});
