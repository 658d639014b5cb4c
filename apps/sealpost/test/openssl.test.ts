import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENTITY, MESSAGE, OUTER_HEADERS, type Pki, assertBuilt, expectOk, makePki, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

let pki: Pki;
let dir: string;
let cleanup: () => Promise<void>;
let counter = 0;

/** A fresh file name in the private test folder. */
function file(name: string): string {
  return join(dir, `${counter++}-${name}`);
}

async function openssl(args: string[]) {
  return run('openssl', args);
}

describe.skipIf(!hasOpenssl)('interop with openssl cms', () => {
  beforeAll(async () => {
    assertBuilt();
    ({ dir, cleanup } = await tempDir());
    pki = await makePki(dir);
  });
  afterAll(() => cleanup());

  describe('sealpost produces, openssl consumes', () => {
    it.each([
      ['detached', []],
      ['opaque', ['--opaque']],
    ])('openssl cms -verify accepts a %s sealpost signature', async (_form, extra) => {
      const signed = file('signed.eml');
      await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, ...extra, '--out', signed], { input: MESSAGE }));
      const content = file('content.mime');
      const result = await openssl(['cms', '-verify', '-in', signed, '-CAfile', pki.ca, '-purpose', 'smimesign', '-out', content]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Verification successful');
      expect(await readFile(content, 'utf8')).toContain('Revenue up 4 percent');
    });

    it.each([
      ['sign', []],
      ['sign', ['--opaque']],
      ['sign-encrypt', []],
    ])('openssl cms -verify accepts sealpost %s --pss %s, and sees RSASSA-PSS', async (command, extra) => {
      const out = file('pss.eml');
      const identity = ['--cert', pki.alice.cert, '--key', pki.alice.key];
      await expectOk(sealpost([command, ...identity, '--pss', ...extra, ...(command === 'sign-encrypt' ? ['--to', pki.bob.cert] : []), '--out', out], { input: MESSAGE }));
      let signed = out;
      if (command === 'sign-encrypt') {
        signed = file('pss-inner.eml');
        expect((await openssl(['cms', '-decrypt', '-in', out, '-recip', pki.bob.cert, '-inkey', pki.bob.key, '-out', signed])).code).toBe(0);
      }
      const content = file('pss-content.mime');
      const result = await openssl(['cms', '-verify', '-in', signed, '-CAfile', pki.ca, '-purpose', 'smimesign', '-out', content]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Verification successful');
      expect(await readFile(content, 'utf8')).toContain('Revenue up 4 percent');
      const printed = await openssl(['cms', '-cmsout', '-print', '-in', signed]);
      expect(printed.out).toMatch(/signatureAlgorithm:\s*\n\s*algorithm: rsassaPss/);
    });

    it('openssl cms -verify rejects a tampered sealpost signature', async () => {
      const signed = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key], { input: MESSAGE }))).out;
      const tampered = file('tampered.eml');
      await writeFile(tampered, signed.replace('Revenue up 4 percent', 'Revenue up 9 percent'));
      const result = await openssl(['cms', '-verify', '-in', tampered, '-CAfile', pki.ca, '-purpose', 'smimesign', '-out', file('x.mime')]);
      expect(result.code).not.toBe(0);
    });

    it.each([
      ['aes-256-cbc', []],
      ['aes-256-gcm', []],
      ['aes-256-gcm', ['--oaep']],
      ['aes-128-cbc', ['--oaep']],
    ])('openssl cms -decrypt reads sealpost encrypt --cipher %s %s', async (cipher, extra) => {
      const sealed = file('sealed.eml');
      await expectOk(sealpost(['encrypt', '--to', pki.bob.cert, '--cipher', cipher, ...extra, '--out', sealed], { input: MESSAGE }));
      const plain = file('plain.mime');
      const result = await openssl(['cms', '-decrypt', '-in', sealed, '-recip', pki.bob.cert, '-inkey', pki.bob.key, '-out', plain]);
      expect(result.code, result.stderr).toBe(0);
      const text = await readFile(plain, 'utf8');
      expect(text).toContain('Content-Type: text/plain');
      expect(text).toContain('Revenue up 4 percent');
    });

    it('openssl decrypts and verifies sealpost sign-encrypt', async () => {
      const sealed = file('sealed.eml');
      await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--cipher', 'aes-256-cbc', '--out', sealed], { input: MESSAGE }));
      const signed = file('inner.eml');
      expect((await openssl(['cms', '-decrypt', '-in', sealed, '-recip', pki.bob.cert, '-inkey', pki.bob.key, '-out', signed])).code).toBe(0);
      const verified = await openssl(['cms', '-verify', '-in', signed, '-CAfile', pki.ca, '-purpose', 'smimesign', '-out', file('c.mime')]);
      expect(verified.code, verified.stderr).toBe(0);
    });
  });

  describe('openssl produces, sealpost consumes', () => {
    let entity: string;
    beforeAll(async () => {
      entity = join(dir, 'entity.mime');
      await writeFile(entity, ENTITY);
    });

    /** openssl writes only MIME fields; a mail has From/To/Subject in front. */
    async function asMessage(opensslOutput: string): Promise<string> {
      return OUTER_HEADERS + (await readFile(opensslOutput, 'utf8'));
    }

    it.each([
      ['detached', []],
      ['opaque', ['-nodetach']],
    ])('sealpost verify accepts a %s openssl signature (exit 0, valid)', async (_form, extra) => {
      const out = file('signed.eml');
      const signed = await openssl([
        'cms',
        '-sign',
        '-binary',
        '-crlfeol',
        ...extra,
        '-md',
        'sha256',
        '-in',
        entity,
        '-signer',
        pki.alice.cert,
        '-inkey',
        pki.alice.key,
        '-certfile',
        pki.ca,
        '-out',
        out,
      ]);
      expect(signed.code, signed.stderr).toBe(0);
      const result = await sealpost(['verify', '--trust', pki.ca, '--json'], { input: await asMessage(out) });
      expect(result.code, result.out).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ status: 'valid', from: 'alice@example.com' });
    });

    it("reports an openssl signer's RC2 capabilities with their key sizes, not three times rc2-cbc", async () => {
      const out = file('signed.eml');
      const signed = await openssl(['cms', '-sign', '-binary', '-crlfeol', '-md', 'sha256', '-in', entity, '-signer', pki.alice.cert, '-inkey', pki.alice.key, '-certfile', pki.ca, '-out', out]);
      expect(signed.code, signed.stderr).toBe(0);
      const result = await sealpost(['verify', '--trust', pki.ca, '--json'], { input: await asMessage(out) });
      const report = JSON.parse(result.out) as { signers: { smimeCapabilities: string[] }[] };
      // OpenSSL 3 advertises RC2 at 128, 64 and 40 bits, in that order, after AES and 3DES.
      const capabilities = report.signers[0]!.smimeCapabilities;
      expect(capabilities.filter((c) => c.startsWith('rc2'))).toEqual(['rc2-128-cbc', 'rc2-64-cbc', 'rc2-40-cbc']);
      expect(capabilities.slice(0, 3)).toEqual(['aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc']);
    });

    it('sealpost verify rejects a tampered openssl signature (exit 1, invalid)', async () => {
      const out = file('signed.eml');
      expect((await openssl(['cms', '-sign', '-binary', '-crlfeol', '-md', 'sha256', '-in', entity, '-signer', pki.alice.cert, '-inkey', pki.alice.key, '-out', out])).code).toBe(0);
      const tampered = (await asMessage(out)).replace('Revenue up 4 percent', 'Revenue up 9 percent');
      const result = await sealpost(['verify', '--trust', pki.ca, '--json'], { input: tampered });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out)).toMatchObject({ status: 'invalid' });
    });

    it.each([
      ['-aes-256-gcm', [], 'aes-256-gcm', true, 'rsa-pkcs1'],
      ['-aes-128-gcm', [], 'aes-128-gcm', true, 'rsa-pkcs1'],
      ['-aes-256-cbc', [], 'aes-256-cbc', false, 'rsa-pkcs1'],
      ['-aes-256-gcm', ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'], 'aes-256-gcm', true, 'rsa-oaep'],
    ] as const)('sealpost decrypt reads openssl cms -encrypt %s %s', async (flag, keyopts, cipher, authenticated, keyTransport) => {
      const out = file('enc.eml');
      const recipient = keyopts.length === 0 ? [pki.bob.cert] : ['-recip', pki.bob.cert, ...keyopts];
      const enc = await openssl(['cms', '-encrypt', '-binary', '-crlfeol', flag, '-in', entity, '-out', out, ...recipient]);
      expect(enc.code, enc.stderr).toBe(0);
      const result = await sealpost(['decrypt', '--cert', pki.bob.cert, '--key', pki.bob.key, '--json', '--out', file('plain.eml')], { input: await asMessage(out) });
      expect(result.code, result.out).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ status: 'decrypted', cipher, authenticated, keyTransport });
    });

    it('sealpost signs with an openssl-encrypted PKCS#8 key, the passphrase from --pass-env only', async () => {
      const key = file('alice-encrypted.key');
      const made = await run('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', pki.alice.key, '-out', key, '-passout', 'env:KEY_PASS'], {
        env: { KEY_PASS: 'k3y-pass-7' },
      });
      expect(made.code, made.stderr).toBe(0);
      expect(await readFile(key, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      const signed = await sealpost(['sign', '--cert', pki.alice.cert, '--key', key, '--pass-env', 'KEY_PASS'], { input: MESSAGE, env: { KEY_PASS: 'k3y-pass-7' } });
      expect(signed.code, signed.stderr).toBe(0);
      expect((await sealpost(['verify', '--trust', pki.ca], { input: signed.out })).code).toBe(0);

      const noPass = await sealpost(['sign', '--cert', pki.alice.cert, '--key', key], { input: MESSAGE });
      expect(noPass.code).toBe(2);
      expect(noPass.stderr).toMatch(/is protected by a passphrase: put it in an environment variable and name the variable with --pass-env VAR \[ERR_PASSPHRASE_MISSING\]\n$/);
      const wrong = await sealpost(['sign', '--cert', pki.alice.cert, '--key', key, '--pass-env', 'KEY_PASS'], { input: MESSAGE, env: { KEY_PASS: 'nope-nope' } });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(wrong.stderr).toMatch(/^sealpost: private key .*\[ERR_\w+\]\n$/);
    });

    it('sealpost opens openssl sign-then-encrypt as valid', async () => {
      const signed = file('signed.mime');
      expect((await openssl(['cms', '-sign', '-binary', '-crlfeol', '-md', 'sha256', '-in', entity, '-signer', pki.alice.cert, '-inkey', pki.alice.key, '-out', signed])).code).toBe(0);
      const sealed = file('sealed.eml');
      expect((await openssl(['cms', '-encrypt', '-binary', '-crlfeol', '-aes-256-gcm', '-in', signed, '-out', sealed, pki.bob.cert])).code).toBe(0);
      const result = await sealpost(['open', '--cert', pki.bob.cert, '--key', pki.bob.key, '--trust', pki.ca, '--json'], { input: await asMessage(sealed) });
      expect(result.code, result.out).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({
        status: 'valid',
        layers: [
          { type: 'enveloped', authenticated: true },
          { type: 'signed', status: 'valid' },
        ],
      });
    });
  });
});
