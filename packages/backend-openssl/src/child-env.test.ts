import type { PrivateKeyRef } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envRecordingOpenssl, makeScratch } from '../test-support/fake-openssl.js';
import { createOpensslBackend } from './index.js';

// The host application's secrets live in its environment (an API key, an SMTP URL with a password,
// the variable a passphrase is read from). openssl needs none of them, so its children must not get them.

const scratch = makeScratch();
let pki: TestPki;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nno secrets in the environment\r\n');
const HOST_SECRETS = {
  SPARKPOST_API_KEY: 'sp-live-0123456789abcdef',
  SMTP_URL: 'smtp://mailer:hunter2@smtp.example.com:587',
  SEALPOST_PASSPHRASE: 'correct horse battery staple',
  SOME_UNRELATED_VARIABLE: 'anything at all',
};
const INHERITED = { OPENSSL_SEALPOST_TEST: 'providers read OPENSSL_*', LD_LIBRARY_PATH: '/nonexistent/sealpost-test-lib' };
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  pki = await ensureTestPki();
  for (const [name, value] of Object.entries({ ...HOST_SECRETS, ...INHERITED })) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});
afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  scratch.cleanup();
});

const pkcs8 = (der: Uint8Array): PrivateKeyRef => ({ type: 'pkcs8', der });

describe('the environment of openssl children', () => {
  it('holds PATH, OPENSSL_*, LD_LIBRARY_PATH and what options.env names, and none of the host secrets', async () => {
    const recorder = envRecordingOpenssl(scratch);
    const backend = await createOpensslBackend({ binary: recorder.binary, tempDir: scratch.tempBase, env: { PKCS11_PROVIDER_MODULE: '/usr/lib/softhsm/libsofthsm2.so' } });
    const { alice, bob } = pki.identities;
    const signed = await backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' }] });
    expect((await backend.verify({ cms: signed, content }))[0]!.signatureValid).toBe(true);
    const sealed = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    expect(Buffer.from((await backend.decrypt({ cms: sealed, certificate: bob.cert, privateKey: pkcs8(bob.keyDer) })).content).equals(Buffer.from(content))).toBe(true);

    const environments = recorder.environments();
    // version, six listings, sign, decrypt: every child, detection included (verification and encryption run in-process).
    expect(environments.length).toBe(9);
    for (const env of environments) {
      for (const name of Object.keys(HOST_SECRETS)) expect(env[name], name).toBeUndefined();
      const everything = Object.values(env).join('\n');
      for (const secret of Object.values(HOST_SECRETS)) expect(everything).not.toContain(secret);
      expect(env['PATH']).toBe(process.env['PATH']);
      expect(env['OPENSSL_SEALPOST_TEST']).toBe(INHERITED.OPENSSL_SEALPOST_TEST);
      expect(env['LD_LIBRARY_PATH']).toBe(INHERITED.LD_LIBRARY_PATH);
      expect(env['PKCS11_PROVIDER_MODULE']).toBe('/usr/lib/softhsm/libsofthsm2.so');
    }
  });

  it('options.env can remove an inherited variable, and pass a host variable on purpose', async () => {
    const recorder = envRecordingOpenssl(scratch, 'openssl-env-options');
    await createOpensslBackend({ binary: recorder.binary, env: { LD_LIBRARY_PATH: undefined, SOME_UNRELATED_VARIABLE: 'passed on purpose' } });
    const [first] = recorder.environments();
    expect(first!['LD_LIBRARY_PATH']).toBeUndefined();
    expect(first!['SOME_UNRELATED_VARIABLE']).toBe('passed on purpose');
    expect(first!['SPARKPOST_API_KEY']).toBeUndefined();
  });
});
