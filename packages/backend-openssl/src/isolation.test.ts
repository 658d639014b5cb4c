import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateKeyRef } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAppears, hangingOpenssl, invocations, isRunning, leakyOpenssl, leftovers, makeScratch, recordingOpenssl } from '../test-support/fake-openssl.js';
import { failureOf } from '../test-support/failure.js';
import { createOpensslBackend, type OpensslBackend } from './index.js';

// How the backend treats keys, passphrases and its temporary folders, seen from the outside: a
// wrapper in place of openssl records every argv and what the operation folder held while it ran.

const scratch = makeScratch();
let pki: TestPki;
let backend: OpensslBackend;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nkeys stay out of argv\r\n');
const PASSPHRASE = 'correct horse battery staple';

beforeAll(async () => {
  pki = await ensureTestPki();
  backend = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase });
});
afterAll(() => scratch.cleanup());

const pkcs8 = (der: Uint8Array): PrivateKeyRef => ({ type: 'pkcs8', der });
// Private keys are used by `pkeyutl` (-sign, -decrypt); encryption to an EC key is a `cms` command.
const cmsCalls = () => invocations(scratch).filter((c) => c.argv[0] === 'cms' || c.argv[0] === 'pkeyutl');
const secretsOf = (der: Uint8Array): string[] => [
  Buffer.from(der).toString('base64').slice(40, 100),
  Buffer.from(der).toString('hex').slice(80, 200),
  Buffer.from(der).toString('latin1').slice(40, 100),
];

describe('keys and passphrases never appear in argv', () => {
  it('PKCS#8 keys go through 0600 named pipes in a 0700 folder that is gone afterwards', async () => {
    const { alice, bob } = pki.identities;
    const before = cmsCalls().length;
    const signed = await backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' }] });
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    await backend.decrypt({ cms: sealed, certificate: bob.cert, privateKey: pkcs8(bob.keyDer) });
    expect((await backend.verify({ cms: signed, content }))[0]!.signatureValid).toBe(true);

    const calls = cmsCalls().slice(before);
    // Verification and encryption to an RSA key need no private key: they run in-process and start no openssl.
    expect(calls.map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['pkeyutl -sign', 'pkeyutl -decrypt']);
    const argv = calls.flatMap((c) => c.argv).join('\n');
    for (const secret of [...secretsOf(alice.keyDer), ...secretsOf(bob.keyDer), 'PRIVATE KEY']) expect(argv).not.toContain(secret);
    const sign = calls[0]!;
    const keyPath = sign.argv[sign.argv.indexOf('-inkey') + 1]!;
    expect(keyPath.startsWith(`${scratch.tempBase}/sealpost-openssl-`)).toBe(true);
    expect(sign.listing).toMatch(new RegExp(`^700 ${scratch.tempBase}/sealpost-openssl-\\w+$`, 'm'));
    expect(sign.listing).toContain(`600 ${keyPath}`);
    expect(calls[1]!.listing).toMatch(/^600 .*\/recipient-key$/m);
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('a key URI passes as given, and its passphrase through fd 3', async () => {
    const { alice } = pki.identities;
    const keyFile = join(scratch.dir, 'alice-encrypted.pem');
    execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', alice.keyPath, '-out', keyFile, '-passout', `pass:${PASSPHRASE}`]);
    const withPassphrase = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase, keyPassphrase: async () => PASSPHRASE });
    const before = cmsCalls().length;
    const signed = await withPassphrase.sign({ content, detached: false, signers: [{ certificate: alice.cert, privateKey: { type: 'uri', uri: `file:${keyFile}` }, digest: 'sha-256' }] });
    expect((await withPassphrase.verify({ cms: signed }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
    const sign = cmsCalls().slice(before)[0]!;
    expect(sign.argv).toEqual(expect.arrayContaining(['-inkey', `file:${keyFile}`, '-passin', 'fd:3']));
    expect(sign.argv.join(' ')).not.toContain(PASSPHRASE);
    expect(sign.listing).not.toMatch(/key/);

    // Without the passphrase, openssl cannot use the key: a typed failure, no prompt, no hang.
    const error = await failureOf(backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: { type: 'uri', uri: `file:${keyFile}` }, digest: 'sha-256' }] }));
    expect(error.code).toBe('ERR_BACKEND');
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('a key URI that carries its PIN, or reads as an option, is refused before anything runs', async () => {
    const before = cmsCalls().length;
    const uri = 'pkcs11:token=mail;object=alice;type=private?pin-value=123456';
    const signing = backend.sign({ content, detached: true, signers: [{ certificate: pki.identities.alice.cert, privateKey: { type: 'uri', uri }, digest: 'sha-256' }] });
    await expect(signing).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(cmsCalls().length).toBe(before);
    // A "URI" that openssl could read as an option is a programmer error, also found before anything runs.
    const { bob } = pki.identities;
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    const calls = cmsCalls().length;
    await expect(backend.decrypt({ cms: sealed, certificate: bob.cert, privateKey: { type: 'uri', uri: '-passin' } })).rejects.toBeInstanceOf(TypeError);
    expect(cmsCalls().length).toBe(calls);
  });
});

describe('provider options reach every command', () => {
  it('passes -provider and -propquery to detection and to each operation, and works with -provider default', async () => {
    const name = 'openssl-providers';
    const withProviders = await createOpensslBackend({ binary: recordingOpenssl(scratch, name), providers: ['default'], propquery: 'provider=default', tempDir: scratch.tempBase });
    const { alice, bob } = pki.identities;
    const signed = await withProviders.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256', scheme: 'rsa-pss' }] });
    expect((await withProviders.verify({ cms: signed, content }))[0]!.signatureValid).toBe(true);
    const sealed = await withProviders.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    expect(Buffer.from((await withProviders.decrypt({ cms: sealed, certificate: bob.cert, privateKey: pkcs8(bob.keyDer) })).content).equals(Buffer.from(content))).toBe(true);

    const calls = invocations(scratch, name);
    const version = calls.find((c) => c.argv[0] === 'version')!;
    expect(version.argv).toEqual(['version']);
    const others = calls.filter((c) => c.argv[0] !== 'version');
    // Six capability listings, then sign and decrypt (verification and encryption run in-process).
    expect(others.length).toBe(6 + 2);
    // The private-key operation is the one a provider (HSM, FIPS) has to see.
    expect(others.filter((c) => c.argv.slice(0, 2).join(' ') === 'pkeyutl -sign')).toHaveLength(1);
    for (const call of others) {
      const at = call.argv[0] === 'list' ? 1 : 2;
      expect(call.argv.slice(at, at + 4)).toEqual(['-provider', 'default', '-propquery', 'provider=default']);
      expect(call.exitCode).toBe(0);
    }
  });
});

describe('temporary folders are removed whatever happens', () => {
  it('on failure: openssl cannot load the key, the folder is gone', async () => {
    const { alice } = pki.identities;
    const before = cmsCalls().length;
    const error = await failureOf(
      backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: { type: 'uri', uri: `file:${join(scratch.dir, 'nope.der')}` }, digest: 'sha-256' }] }),
    );
    expect(error.code).toBe('ERR_BACKEND');
    expect(error.detail?.exitCode).not.toBe(0);
    expect(cmsCalls().length).toBe(before + 1);
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('on timeout and on abort: the child is killed, then the folder is removed', async () => {
    const hanging = hangingOpenssl(scratch);
    const slow = await createOpensslBackend({ binary: hanging.binary, tempDir: scratch.tempBase, timeoutMs: 1500 });
    const { alice, bob } = pki.identities;
    const signer = { certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' as const };

    await expect(slow.sign({ content, detached: true, signers: [signer] })).rejects.toMatchObject({ code: 'ERR_TIMEOUT', detail: { timedOut: true } });
    expect(readFileSync(hanging.listingFile, 'utf8')).toMatch(/signer-0-key/);
    expect(isRunning(Number(readFileSync(hanging.pidFile, 'utf8')))).toBe(false);
    expect(leftovers(scratch.tempBase)).toEqual([]);

    const patient = await createOpensslBackend({ binary: hanging.binary, tempDir: scratch.tempBase });
    const controller = new AbortController();
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    rmSync(hanging.pidFile);
    const decrypting = patient.decrypt({ cms: sealed, certificate: bob.cert, privateKey: pkcs8(bob.keyDer), signal: controller.signal });
    await fileAppears(hanging.pidFile);
    controller.abort();
    await expect(decrypting).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(isRunning(Number(readFileSync(hanging.pidFile, 'utf8')))).toBe(false);
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('on an output larger than the cap', async () => {
    const capped = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase, maxOutputBytes: 2048 });
    const big = new Uint8Array(64 * 1024).fill(0x41);
    // Encryption to an EC (ECDH) recipient is the one that still runs `openssl cms -encrypt`.
    await expect(capped.encrypt({ content: big, recipients: [{ certificate: pki.identities.carol.cert }], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({
      code: 'ERR_LIMIT_SIZE',
    });
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });
});

describe('errors carry redacted stderr', () => {
  it('no paths, PEM blocks, hex dumps or base64 runs reach the error', async () => {
    const leaky = await createOpensslBackend({ binary: leakyOpenssl(scratch), tempDir: scratch.tempBase });
    const { alice } = pki.identities;
    const error = await failureOf(leaky.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' }] }));
    expect(error.code).toBe('ERR_BACKEND');
    expect(error.detail?.exitCode).toBe(3);
    expect(error.detail?.command).toBe('openssl pkeyutl -sign');
    const everything = `${error.message}\n${JSON.stringify(error.detail)}`;
    expect(everything).toContain('<tmp>/signer-0-key');
    expect(everything).toContain('[PEM block removed]');
    for (const leak of [scratch.tempBase, 'MIIEvQIBADANBg', 'c3:7a:91', 'QUJDREVGR0hJSktMTU5P']) expect(everything).not.toContain(leak);
    expect(error.detail?.stderr?.split('\n').length).toBeLessThanOrEqual(4);
  });

  it('decryption failures carry nothing at all', async () => {
    const leaky = await createOpensslBackend({ binary: leakyOpenssl(scratch), tempDir: scratch.tempBase });
    const { bob } = pki.identities;
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    const error = await failureOf(leaky.decrypt({ cms: sealed, certificate: bob.cert, privateKey: pkcs8(bob.keyDer) }));
    expect(error).toMatchObject({ code: 'ERR_DECRYPTION_FAILED', message: 'decryption failed' });
    expect(error.cause).toBeUndefined();
    expect(error.detail).toBeUndefined();
  });
});
