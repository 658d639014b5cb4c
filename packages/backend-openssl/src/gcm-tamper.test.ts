import { type BerNode, DECRYPTION_FAILED_MESSAGE, parseBer } from '@sealpost/core';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocations, leftovers, makeScratch, recordingOpenssl } from '../test-support/fake-openssl.js';
import { createOpensslBackend, type OpensslBackend } from './index.js';

// AuthEnvelopedData never reaches `openssl cms -decrypt` (whose 3.0.19 and earlier releases wrote the
// plaintext before they checked the tag): openssl only unwraps the key (`pkeyutl -decrypt`), and
// node:crypto releases content only after the tag has been checked. No byte of a tampered message may
// reach the caller, and no copy may stay on disk.

const scratch = makeScratch();
let pki: TestPki;
let recording: OpensslBackend;
const SECRET = 'Account: 1234, PIN: 0000';
const content = new TextEncoder().encode(`Content-Type: text/plain\r\n\r\n${SECRET}\r\n${'filler line\r\n'.repeat(20)}`);

beforeAll(async () => {
  pki = await ensureTestPki();
  recording = await createOpensslBackend({ binary: recordingOpenssl(scratch), tempDir: scratch.tempBase });
});
afterAll(() => scratch.cleanup());

/** Offsets of AuthEnvelopedData's encrypted content octets and mac octets in the CMS. */
function gcmParts(cms: Uint8Array): { ciphertext: number; mac: number } {
  const envelope = parseBer(cms).children[1]!.children[0]!;
  const encrypted = envelope.children[2]!.children[2]!;
  const mac = envelope.children[envelope.children.length - 1]!;
  const offset = (node: BerNode): number => node.contents.byteOffset - cms.byteOffset;
  return { ciphertext: offset(encrypted), mac: offset(mac) };
}

const seal = (): Promise<Uint8Array> => recording.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });

function tamper(cms: Uint8Array, where: 'tag' | 'ciphertext'): Uint8Array {
  const parts = gcmParts(cms);
  const copy = new Uint8Array(cms);
  // The tag's last byte, or a ciphertext byte in the filler, so the secret line would still decrypt.
  copy[where === 'tag' ? parts.mac + 15 : parts.mac - 8]! ^= 0x01;
  return copy;
}

async function outcome(backend: OpensslBackend, cms: Uint8Array): Promise<{ returned: Uint8Array | null; error: unknown }> {
  const { bob } = pki.identities;
  return backend.decrypt({ cms, certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.keyDer } }).then(
    (result) => ({ returned: result.content, error: null }),
    (error: unknown) => ({ returned: null, error }),
  );
}

function expectGenericFailure(result: { returned: Uint8Array | null; error: unknown }): void {
  expect(result.returned).toBeNull();
  expect(result.error).toMatchObject({ code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE });
  expect((result.error as Error).cause).toBeUndefined();
  expect((result.error as { detail?: unknown }).detail).toBeUndefined();
  expect(JSON.stringify(result.error)).not.toContain('PIN');
  expect(leftovers(scratch.tempBase)).toEqual([]);
}

const decryptCalls = (before: number) =>
  invocations(scratch)
    .slice(before)
    .filter((c) => c.argv[1] === '-decrypt');

describe('no plaintext escapes when GCM authentication fails', () => {
  for (const where of ['tag', 'ciphertext'] as const) {
    it(`tampered ${where}: generic error, nothing returned or left behind, and openssl never saw the content`, async () => {
      const before = invocations(scratch).length;
      expectGenericFailure(await outcome(recording, tamper(await seal(), where)));
      const calls = decryptCalls(before);
      expect(calls.map((c) => `${c.argv[0]} ${c.argv[1]} ${c.exitCode}`)).toEqual(['pkeyutl -decrypt 0']);
    });
  }

  it('control: the untouched message decrypts', async () => {
    const { returned } = await outcome(recording, await seal());
    expect(Buffer.from(returned!).equals(Buffer.from(content))).toBe(true);
    expect(leftovers(scratch.tempBase)).toEqual([]);
  });

  it('the operation folder holds only the key, and the recovered key only crosses a pipe', async () => {
    const before = invocations(scratch).length;
    await outcome(recording, tamper(await seal(), 'tag'));
    const [call] = decryptCalls(before);
    expect(call!.argv).not.toContain('-out');
    const files = call!.listing
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('700 '))
      .map((line) => line.replace(/^600 .*\//, ''));
    expect(files).toEqual(['recipient-key']);
  });
});
