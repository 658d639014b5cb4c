import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let fromBob: string;
let fromCarol: string;
let bobAsAlice: string;
let unsigned: string;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  fromBob = await signed(pki.bob, 'Bob <bob@example.com>', 'bob');
  fromCarol = await signed(pki.carol, 'carol@example.com', 'carol');
  bobAsAlice = await signed(pki.bob, 'Alice <alice@example.com>', 'bob-as-alice');
  unsigned = join(dir, 'unsigned.eml');
  await writeFile(unsigned, message('bob@example.com'));
});
afterAll(() => cleanup?.());

function message(from: string): string {
  return `From: ${from}\r\nTo: keys@example.com\r\nSubject: hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n`;
}

async function signed(who: { cert: string; key: string }, from: string, name: string): Promise<string> {
  const plain = join(dir, `${name}.eml`);
  await writeFile(plain, message(from));
  await expectOk(sealpost(['sign', '--cert', who.cert, '--key', who.key, '--in', plain, '--out', `${plain}.signed`]));
  return `${plain}.signed`;
}

describe.each([
  ['a folder', 'keys-dir'],
  ['SQLite', 'sqlite:keys.db'],
])('sealpost keys, with %s', (_kind, spec) => {
  const store = (): string => (spec.startsWith('sqlite:') ? `sqlite:${join(dir, spec.slice(7))}` : join(dir, spec));

  it('imports from a signed message only when it is valid, as the collector does', async () => {
    const ok = await sealpost(['keys', 'import', '--keystore', store(), '--trust', pki.ca, '--in', fromBob]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.out).toMatch(/^keys import: added bob@example\.com \(sha-256 [0-9a-f]{64}\)\n$/);
    const again = await sealpost(['keys', 'import', '--keystore', store(), '--trust', pki.ca, '--in', fromBob, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ stored: true, outcome: 'seen', address: 'bob@example.com', verdict: 'valid' });

    for (const [file, verdict, code] of [
      [fromCarol, 'untrusted', 'ERR_CHAIN_UNTRUSTED'],
      [bobAsAlice, 'invalid', 'ERR_FROM_MISMATCH'],
      [unsigned, 'not-signed', undefined],
    ] as const) {
      const refused = await sealpost(['keys', 'import', '--keystore', store(), '--trust', pki.ca, '--in', file!, '--json']);
      expect(refused.code).toBe(1);
      const report = JSON.parse(refused.out) as { stored: boolean; verdict: string; errors: { code: string }[] };
      expect([report.stored, report.verdict]).toEqual([false, verdict]);
      if (code !== undefined) expect(report.errors.map((e) => e.code)).toContain(code);
    }
    const text = await sealpost(['keys', 'import', '--keystore', store(), '--trust', pki.ca, '--in', bobAsAlice]);
    expect(text.out).toMatch(/^keys import: not stored: the message is invalid, and only a valid signature adds a certificate\n  .*\[ERR_FROM_MISMATCH\]/);
  });

  it('lists, shows and removes', async () => {
    await expectOk(sealpost(['keys', 'import', '--keystore', store(), '--cert', pki.alice.cert, '--address', 'alice@EXAMPLE.com']));
    const list = await sealpost(['keys', 'list', '--keystore', store()]);
    expect(list.out).toMatch(/^address +sha-256 +not after +last seen +versions$/m);
    expect(list.out).toMatch(/^alice@example\.com +[0-9a-f]{64} +\d{4}-\d\d-\d\d +\S+ +1$/m);
    expect(list.out).toMatch(/^bob@example\.com +[0-9a-f]{64} /m);

    const shown = await sealpost(['keys', 'show', 'bob@example.com', '--keystore', store()]);
    expect(shown.out).toMatch(/^current: bob@example\.com$/m);
    expect(shown.out).toMatch(/^ {2}source: +import$/m);
    expect(shown.out).toMatch(/^ {2}ciphers: +aes-256-gcm, /m);
    const json = JSON.parse((await sealpost(['keys', 'show', 'alice@example.com', '--keystore', store(), '--json'])).out) as { source: string; smimeCapabilities: string[] }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ source: 'import-certificate', smimeCapabilities: [] });
    const pem = await sealpost(['keys', 'show', 'alice@example.com', '--keystore', store(), '--pem']);
    expect(pem.out).toBe(await readFile(pki.alice.cert, 'utf8'));

    const missing = await sealpost(['keys', 'show', 'nobody@example.com', '--keystore', store()]);
    expect([missing.code, missing.stderr]).toEqual([1, 'sealpost: no certificate stored for nobody@example.com [ERR_NO_CERTIFICATE]\n']);

    const wrongPrint = await sealpost(['keys', 'remove', 'alice@example.com', '--keystore', store(), '--fingerprint', 'ab'.repeat(32)]);
    expect([wrongPrint.code, wrongPrint.out]).toEqual([1, 'keys remove: removed 0 certificate(s) for alice@example.com\n']);
    const removed = await sealpost(['keys', 'remove', 'alice@example.com', '--keystore', store()]);
    expect([removed.code, removed.out]).toEqual([0, 'keys remove: removed 1 certificate(s) for alice@example.com\n']);
    const after = JSON.parse((await sealpost(['keys', 'list', '--keystore', store(), '--json'])).out) as { address: string }[];
    expect(after.map((e) => e.address)).toEqual(['bob@example.com']);
  });
});

describe('sealpost keys usage errors', () => {
  it.each([
    [['import', '--in', 'x.eml'], /keys import needs at least one --trust CA certificate/],
    [['import', '--cert', 'x.crt'], /--cert needs --address/],
    [['import', '--in', 'x.eml', '--cert', 'x.crt', '--address', 'a@example.com'], /give either --in MESSAGE or --cert FILE, not both/],
    [['import', '--trust', 'x', '--in', 'x.eml', '--address', 'a@example.com'], /--address goes with --cert/],
    [['show', 'not an address'], /"not an address" is not an address/],
    [['remove', 'a@example.com', '--fingerprint', 'xyz'], /--fingerprint takes the 64 hex digits/],
    [['list'], /required option '--keystore <dir\|sqlite:file\|postgres:\/\/url>' not specified/],
  ])('%j exits 2', async (args, message) => {
    const needsStore = args[0] !== 'list';
    const result = await sealpost(['keys', ...args, ...(needsStore ? ['--keystore', join(dir, 'unused')] : [])]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['a folder', 'no-such-folder'],
    ['a SQLite file', 'sqlite:no-such.db'],
  ])('a --keystore that does not exist (%s) is an error, not an empty store, and is not created', async (_kind, spec) => {
    const path = join(dir, spec.replace(/^sqlite:/, ''));
    const value = spec.startsWith('sqlite:') ? `sqlite:${path}` : path;
    const commands = [
      ['keys', 'list'],
      ['keys', 'show', 'bob@example.com'],
      ['keys', 'remove', 'bob@example.com'],
      ['encrypt', '--to', pki.bob.cert, '--in', unsigned],
      ['send', '--via', 'sparkpost', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', unsigned],
    ];
    for (const command of commands) {
      const result = await sealpost([...command, '--keystore', value], { env: { SPARKPOST_API_KEY: 'unused-key', SPARKPOST_BASE_URL: 'http://127.0.0.1:9' } });
      expect(result.code, command.join(' ')).toBe(2);
      expect(result.out).toBe('');
      expect(result.stderr).toBe(`sealpost: key store ${path} does not exist (keys import and serve create one) [ERR_KEYSTORE_NOT_FOUND]\n`);
      expect(existsSync(path)).toBe(false);
    }
  });

  it('a --keystore folder that is a file is an error', async () => {
    const result = await sealpost(['keys', 'list', '--keystore', unsigned]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`sealpost: key store ${unsigned} is not a folder (a SQLite key store is named sqlite:FILE) [ERR_KEYSTORE_NOT_FOUND]\n`);
  });

  it('refuses a certificate file for an address it is not issued to', async () => {
    const result = await sealpost(['keys', 'import', '--keystore', join(dir, 'unused'), '--cert', pki.alice.cert, '--address', 'bob@example.com']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not issued to bob@example\.com \(it names alice@example\.com\) \[ERR_USAGE\]/);
  });
});
