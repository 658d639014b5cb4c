import type { PrivateKeyRef } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangingOpenssl, leftovers, makeScratch, snapshottingOpenssl } from '../test-support/fake-openssl.js';
import { failureOf } from '../test-support/failure.js';
import { createOpensslBackend } from './index.js';

// PKCS#8 keys reach openssl through a named pipe in the operation's folder: the bytes pass through the
// kernel's pipe buffer and are never stored in a file, so nothing (not even SIGKILL) can leave them on
// disk. A stand-in openssl copies every regular file of the folder, while it runs, before the real one.

const scratch = makeScratch();
let pki: TestPki;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nthe key stays in a pipe\r\n');

beforeAll(async () => {
  pki = await ensureTestPki();
});
afterAll(() => scratch.cleanup());

const pkcs8 = (der: Uint8Array): PrivateKeyRef => ({ type: 'pkcs8', der });

/** Pieces of a key in the forms a file could hold it: raw DER, base64 (PEM body) and hex. */
function keyPieces(der: Uint8Array): Buffer[] {
  const bytes = Buffer.from(der);
  const pieces: Buffer[] = [];
  for (let at = 0; at + 32 <= bytes.length; at += 200) pieces.push(bytes.subarray(at, at + 32));
  pieces.push(Buffer.from(bytes.toString('base64').slice(100, 160)), Buffer.from(bytes.toString('hex').slice(200, 280)));
  return pieces;
}

describe('PKCS#8 keys go through a named pipe, never a file', () => {
  it('sign, decrypt by key transport (pkeyutl -decrypt) and by key agreement (pkeyutl -derive) work, and no file in the folder ever holds the key', async () => {
    const recorder = snapshottingOpenssl(scratch);
    const backend = await createOpensslBackend({ binary: recorder.binary, tempDir: scratch.tempBase });
    const { alice, bob, carol } = pki.identities;
    const signed = await backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' }] });
    expect((await backend.verify({ cms: signed, content }))[0]).toMatchObject({ signatureValid: true, messageDigestValid: true });
    for (const [identity, keyTransport] of [
      [bob, 'rsa-oaep'],
      [carol, 'rsa-pkcs1'],
    ] as const) {
      const sealed = await backend.encrypt({ content, recipients: [{ certificate: identity.cert }], cipher: 'aes-256-gcm', keyTransport });
      const opened = await backend.decrypt({ cms: sealed, certificate: identity.cert, privateKey: pkcs8(identity.keyDer) });
      expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
    }

    const types = recorder.types();
    expect(types).toMatch(/^p 600 signer-0-key$/m);
    expect(types).toMatch(/^p 600 recipient-key$/m);
    expect(types).not.toMatch(/^f \d+ .*key/m);
    // Public keys are regular files (pkeyutl -derive's -peerkey for carol): the snapshot saw real files, just not the keys.
    expect(types).toMatch(/^f 600 originator\.pem$/m);
    const files = recorder.contents();
    expect(files.toString('latin1')).toContain('BEGIN PUBLIC KEY');
    for (const piece of [...keyPieces(alice.keyDer), ...keyPieces(bob.keyDer), ...keyPieces(carol.keyDer)]) expect(files.includes(piece)).toBe(false);
    expect(files.toString('latin1')).not.toContain('PRIVATE KEY');
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('several signers, each through its own pipe', async () => {
    const recorder = snapshottingOpenssl(scratch, 'openssl-snapshot-two');
    const backend = await createOpensslBackend({ binary: recorder.binary, tempDir: scratch.tempBase });
    const { alice, bob } = pki.identities;
    const signed = await backend.sign({
      content,
      detached: true,
      signers: [
        { certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' },
        { certificate: bob.cert, privateKey: pkcs8(bob.keyDer), digest: 'sha-384' },
      ],
    });
    expect((await backend.verify({ cms: signed, content })).map((s) => s.signatureValid)).toEqual([true, true]);
    expect(recorder.types()).toMatch(/^p 600 signer-1-key$/m);
    for (const piece of [...keyPieces(alice.keyDer), ...keyPieces(bob.keyDer)]) expect(recorder.contents().includes(piece)).toBe(false);
  });

  it('an openssl that never opens the pipe (it hangs, then is timed out) leaves no writer waiting and no folder', async () => {
    const hanging = hangingOpenssl(scratch);
    const slow = await createOpensslBackend({ binary: hanging.binary, tempDir: scratch.tempBase, timeoutMs: 500 });
    const { alice } = pki.identities;
    const signer = { certificate: alice.cert, privateKey: pkcs8(alice.keyDer), digest: 'sha-256' as const };
    // More operations than libuv has threads (4): a writer left waiting would block every later file operation.
    for (let round = 0; round < 3; round++) {
      const errors = await Promise.all(Array.from({ length: 5 }, () => failureOf(slow.sign({ content, detached: true, signers: [signer] }))));
      expect(errors.map((e) => e.code)).toEqual(Array(5).fill('ERR_TIMEOUT'));
    }
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });
});
