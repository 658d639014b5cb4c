import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE, type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let pki: Pki;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  const t = await tempDir();
  cleanup = t.cleanup;
  pki = await makePki(t.dir);
});
afterAll(() => cleanup());

interface Node {
  path: string;
  contentType: string;
  size: number;
  cms?: Record<string, unknown> & { type: string };
  children: Node[];
}

describe('sealpost inspect', () => {
  it('shows a detached signature: the tree, sizes and the signer', async () => {
    const signed = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key], { input: MESSAGE }))).out;
    const result = await sealpost(['inspect', '--json'], { input: signed });
    expect(result.code).toBe(0);
    const root = JSON.parse(result.out) as Node;
    expect(root).toMatchObject({ path: '', contentType: 'multipart/signed', size: Buffer.byteLength(signed) });
    expect(root.children.map((c) => [c.path, c.contentType])).toEqual([
      ['1', 'text/plain'],
      ['2', 'application/pkcs7-signature'],
    ]);
    const cms = root.children[1]!.cms as { type: string; detached: boolean; signers: { digest: string; signatureAlgorithm: string; signingTime: string; certificate: { addresses: string[] } }[] };
    expect(cms.type).toBe('signed-data');
    expect(cms.detached).toBe(true);
    expect(cms.signers).toHaveLength(1);
    expect(cms.signers[0]).toMatchObject({ digest: 'sha-256', certificate: { addresses: ['alice@example.com'] } });
    expect(cms.signers[0]!.signatureAlgorithm).toMatch(/rsa/i);
    expect(Number.isNaN(Date.parse(cms.signers[0]!.signingTime))).toBe(false);

    const text = await sealpost(['inspect'], { input: signed });
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^\(root\)  multipart\/signed  .*\d+ bytes\n/);
    expect(text.out).toMatch(/^ {2}2 {2}application\/pkcs7-signature/m);
    expect(text.out).toMatch(/CMS signed-data \(detached\), 1 signer\(s\)/);
    expect(text.out).toMatch(/signer 1: alice@example.com: sha-256, /);
  });

  it('shows the cipher and the recipients of an encrypted message', async () => {
    const sealed = (
      await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--oaep', '--cipher', 'aes-256-gcm'], { input: MESSAGE }))
    ).out;
    const result = await sealpost(['inspect', '--json'], { input: sealed });
    const root = JSON.parse(result.out) as Node;
    expect(root.contentType).toBe('application/pkcs7-mime');
    expect(root.cms).toMatchObject({ type: 'auth-enveloped-data', cipher: 'aes-256-gcm', authenticated: true });
    const recipients = (root.cms as unknown as { recipients: { kind: string; keyTransport: string }[] }).recipients;
    expect(recipients.map((r) => [r.kind, r.keyTransport])).toEqual([
      ['ktri', 'rsa-oaep'],
      ['ktri', 'rsa-oaep'],
    ]);
    const text = await sealpost(['inspect'], { input: sealed });
    expect(text.out).toMatch(/CMS auth-enveloped-data: aes-256-gcm \(authenticated\), 2 recipient\(s\)/);
    expect(text.out).toMatch(/recipient 1: ktri, rsa-oaep, serial [0-9a-f]+/);
  });

  it('follows opaque signed-data into its content', async () => {
    const signed = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--opaque'], { input: MESSAGE }))).out;
    const root = JSON.parse((await sealpost(['inspect', '--json'], { input: signed })).out) as Node;
    expect(root.cms).toMatchObject({ type: 'signed-data', detached: false });
    expect(root.children.map((c) => [c.path, c.contentType])).toEqual([['signed', 'text/plain']]);
  });

  it('shows a plain message without CMS', async () => {
    const root = JSON.parse((await sealpost(['inspect', '--json'], { input: MESSAGE })).out) as Node;
    expect(root).toMatchObject({ path: '', contentType: 'text/plain', children: [] });
    expect(root.cms).toBeUndefined();
  });
});
