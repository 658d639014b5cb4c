import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE, P12_PASS, type Pki, assertBuilt, expectOk, makePki, sealpost, tempDir } from './helpers.js';

const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

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
    const sealed = (await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--oaep', '--cipher', 'aes-256-gcm'], { input: MESSAGE }))).out;
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

describe('sealpost inspect on certificates and PKCS#12 files', () => {
  /** The DER of a PEM certificate file, and its SHA-256 as the reports write it. */
  async function derOf(pemPath: string): Promise<{ der: Buffer; sha256: string }> {
    const pem = await readFile(pemPath, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return { der, sha256: createHash('sha256').update(der).digest('hex') };
  }

  it('describes a PEM certificate: subject, issuer, serial, validity, addresses, key type, fingerprint', async () => {
    const { sha256 } = await derOf(pki.alice.cert);
    const text = await expectOk(sealpost(['inspect', '--in', pki.alice.cert]));
    expect(text.out).toMatch(/^certificate 1 of 1:\n {2}subject: {4}CN=alice@example\.com/);
    expect(text.out).toMatch(/^ {2}issuer: {5}CN=Sealpost Test CA/m);
    expect(text.out).toMatch(/^ {2}serial: {5}[0-9a-f]+$/m);
    expect(text.out).toMatch(/^ {2}valid: {6}\d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z \(valid\)$/m);
    expect(text.out).toMatch(/^ {2}addresses: {2}alice@example\.com$/m);
    expect(text.out).toMatch(/^ {2}key: {8}rsa-2048 /m);
    expect(text.out).toContain(`  sha-256:    ${sha256}\n`);
    expect(text.out).not.toContain('text/plain');
    const json = JSON.parse((await expectOk(sealpost(['inspect', '--json', '--in', pki.alice.cert]))).out) as unknown;
    expect(json).toMatchObject({ type: 'certificates', certificates: [{ addresses: ['alice@example.com'], keyType: 'rsa-2048', sha256, validity: 'valid', ca: false }] });
  });

  it('describes a DER certificate the same way', async () => {
    const { der, sha256 } = await derOf(pki.ca);
    const json = JSON.parse((await expectOk(sealpost(['inspect', '--json'], { input: der }))).out) as unknown;
    expect(json).toMatchObject({ type: 'certificates', certificates: [{ subject: expect.stringContaining('CN=Sealpost Test CA'), sha256, ca: true, selfSigned: true }] });
  });

  it('outlines a protected .p12 without its passphrase and asks for it; shows the identity with --pass-env', async () => {
    const outline = await expectOk(sealpost(['inspect', '--in', pki.alice.p12]));
    expect(outline.out).toMatch(/^PKCS#12 file, MAC hmac sha-256, \d+ iterations\n/);
    expect(outline.out).toMatch(/^ {2}part \d: encrypted, PBES2 \(PBKDF2 hmac-sha-256, \d+ iterations, aes-256-cbc\)$/m);
    expect(outline.out).toMatch(/^ {4}encrypted key: PBES2 \(PBKDF2 hmac-sha-256, \d+ iterations, aes-256-cbc\)/m);
    expect(outline.out).toContain('protected by a passphrase: put it in an environment variable and name the variable with --pass-env VAR to see them');
    const outlineJson = JSON.parse((await expectOk(sealpost(['inspect', '--json', '--in', pki.alice.p12]))).out) as Record<string, unknown>;
    expect(outlineJson).toMatchObject({ type: 'pkcs12', needsPassphrase: true, certificates: [] });

    const full = JSON.parse((await expectOk(sealpost(['inspect', '--json', '--in', pki.alice.p12, '--pass-env', 'P12'], { env: { P12: P12_PASS } }))).out) as Record<string, unknown>;
    // The key's certificate first, then the chain keygen put in (the test CA).
    expect(full).toMatchObject({
      type: 'pkcs12',
      needsPassphrase: false,
      key: { type: 'rsa-2048' },
      certificates: [
        { addresses: ['alice@example.com'], sha256: (await derOf(pki.alice.cert)).sha256 },
        { sha256: (await derOf(pki.ca)).sha256, ca: true },
      ],
    });
    const text = await expectOk(sealpost(['inspect', '--in', pki.alice.p12, '--pass-env', 'P12'], { env: { P12: P12_PASS } }));
    expect(text.out).toMatch(/^ {2}private key: rsa-2048, of the certificate of alice@example\.com$/m);
    expect(text.out).toMatch(/^ {4}addresses: {2}alice@example\.com$/m);
  });

  it('shows everything in an unprotected .p12, and refuses a wrong passphrase', async () => {
    const open = JSON.parse((await expectOk(sealpost(['inspect', '--json', '--in', pki.carol.p12]))).out) as Record<string, unknown>;
    expect(open).toMatchObject({ type: 'pkcs12', needsPassphrase: false, key: { type: 'rsa-2048' }, certificates: [{ addresses: ['carol@example.com'] }, { ca: true }] });
    const wrong = await sealpost(['inspect', '--in', pki.alice.p12, '--pass-env', 'P12'], { env: { P12: 'not it' } });
    expect(wrong.code).toBe(2);
    expect(wrong.out).toBe('');
    expect(wrong.stderr).toMatch(/^sealpost: PKCS#12 file .*alice@example\.com\.p12: wrong passphrase or corrupted PKCS#12 \[ERR_PKCS12_PASSWORD\]\n$/);
  });

  it('names the type of a private key file and prints none of it', async () => {
    const result = await expectOk(sealpost(['inspect', '--in', pki.alice.key]));
    expect(result.out).toBe('private key, not encrypted: rsa-2048\n');
  });

  it.skipIf(!hasOpenssl)('lists the certificates of a .p12 whose certificates openssl left unencrypted, without the passphrase', async () => {
    const p12 = `${pki.alice.p12}.certpbe-none`;
    const made = spawnSync('openssl', ['pkcs12', '-export', '-in', pki.alice.cert, '-inkey', pki.alice.key, '-certfile', pki.ca, '-certpbe', 'NONE', '-passout', 'env:P12', '-out', p12], {
      env: { ...process.env, P12: P12_PASS },
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);
    const outline = JSON.parse((await expectOk(sealpost(['inspect', '--json', '--in', p12]))).out) as { needsPassphrase: boolean; certificates: { addresses: string[] }[] };
    expect(outline.needsPassphrase).toBe(true);
    expect(outline.certificates.map((c) => c.addresses)).toEqual([['alice@example.com'], []]);
  });
});
