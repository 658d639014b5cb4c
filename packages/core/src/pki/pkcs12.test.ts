import { execFileSync, spawnSync } from 'node:child_process';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { utf8Encode } from '../bytes.js';
import { keyMatchesCertificate, readPrivateKey } from './keys.js';
import { pemDecode, pemEncode } from './pem.js';
import { readPkcs12, writePkcs12 } from './pkcs12.js';
import { bmpPassword, pkcs12Kdf } from './pkcs12-kdf.js';
import { generateTestCa, generateTestIdentity } from './testpki.js';
import type { TestCa, TestIdentity } from './types.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();
const hasLegacyProvider = (() => {
  try {
    execFileSync('openssl', ['list', '-providers', '-provider', 'legacy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

const PASSWORD = 'p12 secret';

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSealpostError(error)) return { code: error.code, message: error.message };
    return { code: `not a SealpostError: ${String(error)}`, message: '' };
  }
  return { code: 'resolved', message: '' };
}

describe('PKCS#12 key derivation (RFC 7292 appendix B)', () => {
  // Published vectors for the PKCS#12 KDF with SHA-1 (as used by OpenSSL's and Bouncy Castle's tests).
  it('derives the known SHA-1 key, IV and MAC key for "smeg"', () => {
    const salt = Uint8Array.from([0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f]);
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(pkcs12Kdf(sha1, bmpPassword('smeg'), salt, 1, 1, 24))).toBe('8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3');
    expect(hex(pkcs12Kdf(sha1, bmpPassword('smeg'), salt, 2, 1, 8))).toBe('79993dfe048d3b76');
  });

  it.skipIf(!hasOpenssl).each([
    ['SHA1', sha1, 3, 1000, 20],
    ['SHA256', sha256, 3, 2048, 32],
    ['SHA512', sha512, 1, 3, 80],
  ] as const)('matches openssl kdf PKCS12KDF with %s (purpose %i, %i iterations, %i octets)', (name, hash, purpose, iterations, length) => {
    const password = bmpPassword('queeg');
    const salt = Uint8Array.from([0x3d, 0x83, 0xc0, 0xe4, 0x54, 0x6a, 0xc1, 0x40]);
    const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    const expected = execFileSync(
      'openssl',
      [
        'kdf',
        '-keylen',
        String(length),
        '-kdfopt',
        `digest:${name}`,
        '-kdfopt',
        `hexpass:${hexOf(password)}`,
        '-kdfopt',
        `hexsalt:${hexOf(salt)}`,
        '-kdfopt',
        `iter:${iterations}`,
        '-kdfopt',
        `id:${purpose}`,
        'PKCS12KDF',
      ],
      { stdio: 'pipe', encoding: 'utf8' },
    );
    expect(hexOf(pkcs12Kdf(hash, password, salt, purpose, iterations, length))).toBe(expected.trim().replace(/:/g, '').toLowerCase());
  });
});

describe.skipIf(!hasOpenssl)('PKCS#12 with openssl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-p12-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], env: Record<string, string> = {}): string => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, P: PASSWORD, ...env } });
  /** `openssl pkcs12 -info` prints its findings on stderr. */
  const info = (args: string[], env: Record<string, string> = {}): string => {
    const result = spawnSync('openssl', ['pkcs12', ...args, '-info', '-noout'], { cwd: dir, encoding: 'utf8', env: { ...process.env, P: PASSWORD, ...env } });
    expect(result.status).toBe(0);
    return `${result.stdout}${result.stderr}`;
  };
  const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
  const put = (name: string, text: string | Uint8Array): void => writeFileSync(join(dir, name), text);
  /** `openssl pkcs12 -export` of the RSA identity with extra options; returns the file's bytes. */
  const exportP12 = (name: string, extra: string[], env: Record<string, string> = {}): Uint8Array => {
    run(['pkcs12', '-export', '-in', 'alice.pem', '-inkey', 'alice.key', '-certfile', 'chain.pem', '-passout', 'env:P', ...extra, '-out', name], env);
    return file(name);
  };

  let root: TestCa;
  let intermediate: TestCa;
  let alice: TestIdentity;

  beforeAll(async () => {
    root = await generateTestCa({ commonName: 'P12 Root' });
    intermediate = await generateTestCa({ issuer: root, commonName: 'P12 Intermediate' });
    alice = await generateTestIdentity({ email: 'alice@example.com', ca: intermediate });
    put('alice.pem', pemEncode(alice.certificate, 'CERTIFICATE'));
    put('alice.key', pemEncode(alice.privateKey.der, 'PRIVATE KEY'));
    // Root first on purpose: the reader orders the chain by issuer.
    put('chain.pem', pemEncode(root.certificate, 'CERTIFICATE') + pemEncode(intermediate.certificate, 'CERTIFICATE'));
  });

  it('reads the OpenSSL 3 default (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, MAC SHA-256)', async () => {
    const p12 = exportP12('default.p12', ['-name', 'Alice Key']);
    const details = info(['-in', 'default.p12', '-passin', 'env:P']);
    expect(details).toContain('MAC: sha256');
    expect(details).toContain('PBES2, PBKDF2, AES-256-CBC');
    expect(details).toContain('PRF hmacWithSHA256');
    const identity = await readPkcs12(p12, PASSWORD);
    expect(identity.certificate).toEqual(alice.certificate);
    expect(identity.chain).toEqual([intermediate.certificate, root.certificate]);
    expect(identity.friendlyName).toBe('Alice Key');
    expect(identity.privateKey.type).toBe('pkcs8');
    expect((await readPrivateKey(identity.privateKey.der)).der).toEqual(identity.privateKey.der);
    expect(await keyMatchesCertificate(identity.privateKey, alice.certificate)).toBe(true);
  });

  it.each([
    ['MAC SHA-1', ['-macalg', 'sha1']],
    ['MAC SHA-512, AES-128-CBC bags', ['-macalg', 'sha512', '-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC']],
    ['unencrypted certificates', ['-certpbe', 'NONE']],
    ['unencrypted key and certificates', ['-keypbe', 'NONE', '-certpbe', 'NONE']],
    ['no MAC', ['-nomac']],
    ['many iterations', ['-iter', '50000']],
  ])('reads a .p12 with %s', async (_name, extra) => {
    const identity = await readPkcs12(exportP12('variant.p12', extra), PASSWORD);
    expect(identity.certificate).toEqual(alice.certificate);
    expect(identity.chain).toEqual([intermediate.certificate, root.certificate]);
    expect(await keyMatchesCertificate(identity.privateKey, identity.certificate)).toBe(true);
  });

  it('reads an EC identity and an empty password', async () => {
    const ec = await generateTestIdentity({ email: 'ec@example.com', keyType: 'ec-p256' });
    put('ec.pem', pemEncode(ec.certificate, 'CERTIFICATE'));
    put('ec.key', pemEncode(ec.privateKey.der, 'PRIVATE KEY'));
    run(['pkcs12', '-export', '-in', 'ec.pem', '-inkey', 'ec.key', '-passout', 'pass:', '-out', 'ec.p12']);
    const identity = await readPkcs12(file('ec.p12'), '');
    expect(identity.certificate).toEqual(ec.certificate);
    expect(identity.chain).toEqual([]);
    expect(await keyMatchesCertificate(identity.privateKey, ec.certificate)).toBe(true);
    expect((await errorOf(readPkcs12(file('ec.p12'), 'x'))).code).toBe('ERR_PKCS12_PASSWORD');
  });

  it('reports a wrong password as ERR_PKCS12_PASSWORD without detail, with or without a MAC', async () => {
    const expected = { code: 'ERR_PKCS12_PASSWORD', message: 'wrong passphrase or corrupted PKCS#12' };
    const withMac = exportP12('mac.p12', []);
    for (const wrong of ['', 'p12 secreT', `${PASSWORD} `]) expect(await errorOf(readPkcs12(withMac, wrong))).toEqual(expected);
    expect(await errorOf(readPkcs12(exportP12('nomac.p12', ['-nomac']), 'wrong'))).toEqual(expected);
  });

  it('gives the same error for every wrong password without a MAC, also when the padding happens to fit', async () => {
    // About one wrong password in 256 decrypts to valid padding and garbage that fails to parse later.
    const p12 = exportP12('nomac-many.p12', ['-nomac']);
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) seen.add(JSON.stringify(await errorOf(readPkcs12(p12, `wrong-${i}`))));
    expect([...seen]).toEqual([JSON.stringify({ code: 'ERR_PKCS12_PASSWORD', message: 'wrong passphrase or corrupted PKCS#12' })]);
  });

  // The layouts Windows, macOS Keychain, Firefox/Thunderbird and `openssl pkcs12 -legacy` write: RFC 7292
  // appendix C PBE bags keyed by the SHA-1 PKCS#12 KDF (certificates mostly in RC2-40, the key in 3DES).
  const LEGACY = ['-provider', 'legacy', '-provider', 'default'];
  const readsLegacy = async (extra: readonly string[]): Promise<void> => {
    const p12 = exportP12('legacy.p12', [...extra, '-name', 'Alice Legacy']);
    const identity = await readPkcs12(p12, PASSWORD);
    expect(identity.certificate).toEqual(alice.certificate);
    expect(identity.chain).toEqual([intermediate.certificate, root.certificate]);
    expect(identity.friendlyName).toBe('Alice Legacy');
    expect(await keyMatchesCertificate(identity.privateKey, identity.certificate)).toBe(true);
    // A wrong password is the one clear error, whichever check finds it first (the MAC, or the padding).
    expect(await errorOf(readPkcs12(p12, 'wrong'))).toEqual({ code: 'ERR_PKCS12_PASSWORD', message: 'wrong passphrase or corrupted PKCS#12' });
  };

  // openssl writes RC2 bags only with its legacy provider loaded (-legacy loads it).
  it.skipIf(!hasLegacyProvider).each([
    ['-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', ['-legacy']],
    ['RC2-40 certificates, 3DES key, SHA-256 MAC', [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-40', '-keypbe', 'PBE-SHA1-3DES']],
    ['RC2-128 certificates and key', [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-128', '-keypbe', 'PBE-SHA1-RC2-128']],
    ['RC2-40 certificates and key', [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-40', '-keypbe', 'PBE-SHA1-RC2-40']],
  ] as const)('reads a legacy .p12: %s', async (_name, extra) => readsLegacy(extra));

  it.each([
    ['two-key 3DES certificates and key', ['-certpbe', 'PBE-SHA1-2DES', '-keypbe', 'PBE-SHA1-2DES']],
    ["3DES certificates and key, SHA-1 MAC (the fixtures' -3des.p12, what gpgsm imports)", ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
    ['3DES, no MAC', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-nomac']],
  ] as const)('reads a legacy .p12: %s', async (_name, extra) => readsLegacy(extra));

  it('reads a legacy .p12 with an empty password', async () => {
    run(['pkcs12', '-export', '-in', 'alice.pem', '-inkey', 'alice.key', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-passout', 'pass:', '-out', 'empty.p12']);
    expect((await readPkcs12(file('empty.p12'), '')).certificate).toEqual(alice.certificate);
  });

  it('gives the same error for every wrong password of a legacy .p12 without a MAC', async () => {
    const p12 = exportP12('legacy-nomac.p12', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-nomac', '-iter', '1']);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(JSON.stringify(await errorOf(readPkcs12(p12, `wrong-${i}`))));
    expect([...seen]).toEqual([JSON.stringify({ code: 'ERR_PKCS12_PASSWORD', message: 'wrong passphrase or corrupted PKCS#12' })]);
  });

  it.skipIf(!hasLegacyProvider)('still refuses PKCS#12 RC4 bags, naming the scheme and with no re-export advice', async () => {
    const error = await errorOf(readPkcs12(exportP12('rc4.p12', [...LEGACY, '-certpbe', 'PBE-SHA1-RC4-128', '-keypbe', 'PBE-SHA1-3DES']), PASSWORD));
    expect(error).toEqual({ code: 'ERR_UNSUPPORTED_PKCS12', message: 'PKCS#12 uses pbeWithSHAAnd128BitRC4, which Sealpost cannot read' });
  });

  it("refuses files without a key or without the key's certificate", async () => {
    run(['pkcs12', '-export', '-nokeys', '-in', 'alice.pem', '-passout', 'env:P', '-out', 'nokey.p12']);
    expect(await errorOf(readPkcs12(file('nokey.p12'), PASSWORD))).toEqual({ code: 'ERR_PKCS12_MALFORMED', message: 'PKCS#12 contains no private key' });
    run(['pkcs12', '-export', '-nocerts', '-inkey', 'alice.key', '-passout', 'env:P', '-out', 'nocert.p12']);
    expect((await errorOf(readPkcs12(file('nocert.p12'), PASSWORD))).code).toBe('ERR_KEY_MISMATCH');
  });

  it('refuses garbage, truncation and corruption with typed errors', async () => {
    const p12 = exportP12('good.p12', []);
    expect((await errorOf(readPkcs12(new Uint8Array(0), PASSWORD))).code).toBe('ERR_PKCS12_MALFORMED');
    expect((await errorOf(readPkcs12(utf8Encode('not a p12'), PASSWORD))).code).toBe('ERR_PKCS12_MALFORMED');
    expect((await errorOf(readPkcs12(p12.subarray(0, p12.length - 5), PASSWORD))).code).toBe('ERR_PKCS12_MALFORMED');
    expect((await errorOf(readPkcs12(alice.certificate, PASSWORD))).code).toBe('ERR_PKCS12_MALFORMED');
    for (const offset of [Math.floor(p12.length / 3), Math.floor(p12.length / 2), p12.length - 60]) {
      const corrupted = Uint8Array.from(p12);
      corrupted[offset] = (corrupted[offset] ?? 0) ^ 0x01;
      expect(['ERR_PKCS12_PASSWORD', 'ERR_PKCS12_MALFORMED']).toContain((await errorOf(readPkcs12(corrupted, PASSWORD))).code);
    }
  });

  describe('writePkcs12', () => {
    it('writes PBES2/AES-256-CBC bags and an HMAC-SHA256 MAC that openssl accepts', async () => {
      const p12 = await writePkcs12({ certificate: alice.certificate, privateKey: alice.privateKey, chain: alice.chain }, PASSWORD, { iterations: 2048 });
      put('ours.p12', p12);
      run(['pkcs12', '-in', 'ours.p12', '-passin', 'env:P', '-noout']);
      const details = info(['-in', 'ours.p12', '-passin', 'env:P']);
      expect(details).toContain('MAC: sha256, Iteration 2048');
      expect(details.match(/PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/g)).toHaveLength(2);
      const certs = pemDecode(run(['pkcs12', '-in', 'ours.p12', '-passin', 'env:P', '-nokeys']), 'CERTIFICATE');
      expect(certs).toEqual([alice.certificate, intermediate.certificate]);
      const keyText = run(['pkcs12', '-in', 'ours.p12', '-passin', 'env:P', '-nocerts', '-nodes']);
      expect(keyText).toContain('friendlyName: alice@example.com');
      expect(keyText).toMatch(/localKeyID: [0-9A-F ]{59}/);
      expect(pemDecode(keyText, 'PRIVATE KEY')).toEqual([alice.privateKey.der]);
      const leafText = run(['pkcs12', '-in', 'ours.p12', '-passin', 'env:P', '-nokeys', '-clcerts']);
      expect(pemDecode(leafText, 'CERTIFICATE')).toEqual([alice.certificate]);
      // openssl refuses a wrong password on our file too.
      expect(() => run(['pkcs12', '-in', 'ours.p12', '-passin', 'pass:wrong', '-noout'])).toThrow();
    });

    it('round-trips through readPkcs12 with the default iteration count and a chosen friendlyName', async () => {
      const p12 = await writePkcs12({ certificate: alice.certificate, privateKey: alice.privateKey, chain: [root.certificate, intermediate.certificate] }, 'ünïcode ✓', {
        friendlyName: 'Alice (work)',
      });
      put('unicode.p12', p12);
      expect(info(['-in', 'unicode.p12', '-passin', 'env:Q'], { Q: 'ünïcode ✓' })).toContain('MAC: sha256, Iteration 100000');
      const identity = await readPkcs12(p12, 'ünïcode ✓');
      expect(identity).toEqual({
        certificate: alice.certificate,
        privateKey: { type: 'pkcs8', der: alice.privateKey.der },
        chain: [intermediate.certificate, root.certificate],
        friendlyName: 'Alice (work)',
      });
    });

    it('writes an EC identity openssl reads', async () => {
      const ec = await generateTestIdentity({ email: 'ec2@example.com', keyType: 'ec-p256', ca: root });
      put('ec-ours.p12', await writePkcs12(ec, '', { iterations: 4096 }));
      run(['pkcs12', '-in', 'ec-ours.p12', '-passin', 'pass:', '-noout']);
      expect((await readPkcs12(file('ec-ours.p12'), '')).certificate).toEqual(ec.certificate);
    });

    it("refuses too few iterations and a key that is not the certificate's", async () => {
      await expect(writePkcs12(alice, PASSWORD, { iterations: 1000 })).rejects.toThrow(RangeError);
      const other = await generateTestIdentity({ email: 'other@example.com', keyType: 'ec-p256' });
      expect((await errorOf(writePkcs12({ certificate: alice.certificate, privateKey: other.privateKey }, PASSWORD, { iterations: 2048 }))).code).toBe('ERR_KEY_MISMATCH');
    });
  });
});
