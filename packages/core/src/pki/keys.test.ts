import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { utf8Encode } from '../bytes.js';
import { keyMatchesCertificate, privateKeyInfo, readPrivateKey } from './keys.js';
import { pemDecode, pemEncode } from './pem.js';
import { generateTestIdentity } from './testpki.js';

const VECTORS = join(import.meta.dirname, '../../../../tooling/fixtures/vectors/rfc9216');
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSealpostError(error)) return { code: error.code, message: error.message };
    return { code: `not a SealpostError: ${String(error)}`, message: '' };
  }
  return { code: 'resolved', message: '' };
}

function vector(name: string): Uint8Array {
  return readFileSync(join(VECTORS, name));
}

function vectorCertificate(name: string): Uint8Array {
  const [der] = pemDecode(readFileSync(join(VECTORS, name), 'utf8'), 'CERTIFICATE');
  if (der === undefined) throw new Error(`no certificate in ${name}`);
  return der;
}

describe('RFC 9216 example keys', () => {
  it('reads PKCS#8 RSA, Ed25519 and X25519 keys and matches them to their certificates', async () => {
    const alice = await readPrivateKey(vector('lamps-alice.p8.pem'));
    const carlos = await readPrivateKey(vector('lamps-carlos.p8.pem'));
    const dana = await readPrivateKey(vector('lamps-dana.decrypt.p8.pem'));
    expect(privateKeyInfo(alice)).toEqual({ type: 'rsa', bits: 2048, exponent: 65537n });
    expect(privateKeyInfo(carlos)).toEqual({ type: 'ed25519', bits: 256 });
    expect(privateKeyInfo(dana)).toEqual({ type: 'x25519', bits: 256 });
    expect(await keyMatchesCertificate(alice, vectorCertificate('alice@smime.example.sig.pem'))).toBe(true);
    expect(await keyMatchesCertificate(alice, vectorCertificate('bob@smime.example.sig.pem'))).toBe(false);
    expect(await keyMatchesCertificate(carlos, vectorCertificate('carlos@smime.example.sig.pem'))).toBe(true);
    expect(await keyMatchesCertificate(carlos, vectorCertificate('carlos@smime.example.enc.pem'))).toBe(false);
    expect(await keyMatchesCertificate(dana, vectorCertificate('dana@smime.example.enc.pem'))).toBe(true);
    expect(await keyMatchesCertificate(dana.der, vectorCertificate('alice@smime.example.sig.pem'))).toBe(false);
  });
});

describe('keys from test identities', () => {
  it('match their own certificates and not others', async () => {
    const rsa = await generateTestIdentity({ email: 'r@example.com' });
    const rsa2 = await generateTestIdentity({ email: 'r@example.com' });
    const ec = await generateTestIdentity({ email: 'e@example.com', keyType: 'ec-p256' });
    const ec2 = await generateTestIdentity({ email: 'e@example.com', keyType: 'ec-p256' });
    expect(await keyMatchesCertificate(rsa.privateKey, rsa.certificate)).toBe(true);
    expect(await keyMatchesCertificate(rsa.privateKey, rsa2.certificate)).toBe(false);
    expect(await keyMatchesCertificate(ec.privateKey, ec.certificate)).toBe(true);
    expect(await keyMatchesCertificate(ec.privateKey, ec2.certificate)).toBe(false);
    expect(await keyMatchesCertificate(ec.privateKey, rsa.certificate)).toBe(false);
    expect(privateKeyInfo(ec.privateKey)).toEqual({ type: 'ec', curve: 'P-256', bits: 256 });
  });

  it('reads WebCrypto PKCS#8 as PEM and DER unchanged', async () => {
    const id = await generateTestIdentity({ email: 'p@example.com', keyType: 'ec-p256' });
    expect((await readPrivateKey(utf8Encode(pemEncode(id.privateKey.der, 'PRIVATE KEY')))).der).toEqual(id.privateKey.der);
    expect((await readPrivateKey(id.privateKey.der)).der).toEqual(id.privateKey.der);
  });

  it('refuses key URIs where PKCS#8 bytes are needed, and a malformed certificate', async () => {
    const id = await generateTestIdentity({ email: 'u@example.com', keyType: 'ec-p256' });
    expect(() => privateKeyInfo({ type: 'uri', uri: 'pkcs11:object=x' })).toThrow(TypeError);
    expect((await errorOf(keyMatchesCertificate(id.privateKey, Uint8Array.of(0x30, 0x00)))).code).toBe('ERR_CERTIFICATE_MALFORMED');
  });
});

describe('malformed keys', () => {
  it('are ERR_KEY_MALFORMED, never a raw exception', async () => {
    const id = await generateTestIdentity({ email: 'm@example.com', keyType: 'ec-p256' });
    for (const bytes of [
      new Uint8Array(0),
      utf8Encode('not a key'),
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00),
      id.certificate,
      id.privateKey.der.subarray(0, 40),
      utf8Encode(pemEncode(id.certificate, 'CERTIFICATE')),
      utf8Encode(pemEncode(Uint8Array.of(0x30, 0x00), 'PRIVATE KEY')),
    ]) {
      expect((await errorOf(readPrivateKey(bytes))).code).toBe('ERR_KEY_MALFORMED');
    }
  });
});

describe.skipIf(!hasOpenssl)('keys written by openssl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const PASS = 'correct horse';
  const openssl = (args: string[], env: Record<string, string> = {}): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, ...env } });
  };
  const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
  let rsaPkcs8: Uint8Array;
  let rsaCert: Uint8Array;
  let ecCert: Uint8Array;

  beforeAll(() => {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem']);
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'rsa.p8.der']);
    openssl(['pkey', '-in', 'rsa.pem', '-traditional', '-out', 'rsa.pkcs1.pem']);
    openssl(['rsa', '-in', 'rsa.pem', '-traditional', '-outform', 'DER', '-out', 'rsa.pkcs1.der']);
    openssl(['req', '-x509', '-key', 'rsa.pem', '-subj', '/CN=rsa', '-outform', 'DER', '-out', 'rsa.crt']);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-out', 'ec.pem']);
    openssl(['ec', '-in', 'ec.pem', '-outform', 'DER', '-out', 'ec.sec1.der']);
    openssl(['ec', '-in', 'ec.pem', '-no_public', '-out', 'ec.nopub.pem']);
    openssl(['ec', '-in', 'ec.pem', '-conv_form', 'compressed', '-out', 'ec.compressed.pem']);
    openssl(['req', '-x509', '-key', 'ec.pem', '-subj', '/CN=ec', '-outform', 'DER', '-out', 'ec.crt']);
    openssl(['req', '-x509', '-key', 'ec.compressed.pem', '-subj', '/CN=ecc', '-outform', 'DER', '-out', 'ec.compressed.crt']);
    rsaPkcs8 = pemDecode(readFileSync(join(dir, 'rsa.pem'), 'utf8'), 'PRIVATE KEY')[0] ?? new Uint8Array(0);
    rsaCert = file('rsa.crt');
    ecCert = file('ec.crt');
  });

  it('reads PKCS#8 and PKCS#1 RSA keys, PEM and DER, into the same PKCS#8', async () => {
    for (const name of ['rsa.pem', 'rsa.p8.der', 'rsa.pkcs1.pem', 'rsa.pkcs1.der']) {
      const key = await readPrivateKey(file(name));
      expect(key.type).toBe('pkcs8');
      expect(key.der, name).toEqual(rsaPkcs8);
    }
    expect(readFileSync(join(dir, 'rsa.pkcs1.pem'), 'utf8')).toContain('BEGIN RSA PRIVATE KEY');
    expect(await keyMatchesCertificate(await readPrivateKey(file('rsa.pkcs1.pem')), rsaCert)).toBe(true);
  });

  it('reads SEC1 EC keys (with the EC PARAMETERS block, in DER, without or with a compressed public point)', async () => {
    for (const name of ['ec.pem', 'ec.sec1.der', 'ec.nopub.pem', 'ec.compressed.pem']) {
      const key = await readPrivateKey(file(name));
      expect(privateKeyInfo(key), name).toEqual({ type: 'ec', curve: 'P-256', bits: 256 });
      expect(await keyMatchesCertificate(key, ecCert), name).toBe(true);
      expect(await keyMatchesCertificate(key, rsaCert), name).toBe(false);
    }
    // A certificate holding a compressed point still matches.
    const compressedCert = file('ec.compressed.crt');
    expect(compressedCert.includes(0x02) || compressedCert.includes(0x03)).toBe(true);
    expect(await keyMatchesCertificate(await readPrivateKey(file('ec.pem')), compressedCert)).toBe(true);
  });

  it('writes PKCS#8 that openssl reads back as the same key', async () => {
    const key = await readPrivateKey(file('ec.pem'));
    const out = execFileSync('openssl', ['pkey', '-inform', 'DER', '-pubout'], { input: key.der, stdio: 'pipe', encoding: 'utf8' });
    const expected = execFileSync('openssl', ['pkey', '-in', 'ec.pem', '-pubout'], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    expect(out).toBe(expected);
  });

  it.each([
    ['OpenSSL 3 default (AES-256-CBC, HMAC-SHA256)', []],
    ['AES-128-CBC with HMAC-SHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
    ['AES-192-CBC with HMAC-SHA512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512']],
    ['AES-256-CBC with HMAC-SHA224', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA224']],
  ])('decrypts an ENCRYPTED PRIVATE KEY: %s, PEM and DER', async (_name, extra) => {
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-passout', 'env:P', ...extra, '-out', 'enc.pem'], { P: PASS });
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-passout', 'env:P', ...extra, '-outform', 'DER', '-out', 'enc.der'], { P: PASS });
    expect((await readPrivateKey(file('enc.pem'), PASS)).der).toEqual(rsaPkcs8);
    expect((await readPrivateKey(file('enc.der'), PASS)).der).toEqual(rsaPkcs8);
  });

  it('decrypts with a non-ASCII passphrase (UTF-8)', async () => {
    openssl(['pkcs8', '-topk8', '-in', 'ec.pem', '-passout', 'env:P', '-out', 'enc-utf8.pem'], { P: 'pässwörd ✓' });
    expect(privateKeyInfo(await readPrivateKey(file('enc-utf8.pem'), 'pässwörd ✓')).type).toBe('ec');
  });

  it('reports a wrong or missing passphrase without detail', async () => {
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-passout', 'env:P', '-out', 'enc.pem'], { P: PASS });
    for (const wrong of ['', 'correct horsf', 'Correct horse']) {
      expect(await errorOf(readPrivateKey(file('enc.pem'), wrong))).toEqual({ code: 'ERR_KEY_MALFORMED', message: 'wrong passphrase or corrupted private key' });
    }
    expect((await errorOf(readPrivateKey(file('enc.pem')))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it.each([
    ['PKCS#5 v1.5 / PKCS#12 PBE', ['-v1', 'PBE-SHA1-3DES'], 'pbeWithSHAAnd3-KeyTripleDES-CBC'],
    ['PBES2 with 3DES', ['-v2', 'des3'], 'des-ede3-cbc'],
    ['PBES2 with scrypt', ['-scrypt'], 'scrypt'],
  ])('refuses %s with ERR_UNSUPPORTED_KEY naming it and how to re-encrypt', async (_name, extra, algorithm) => {
    openssl(['pkcs8', '-topk8', '-in', 'rsa.pem', '-passout', 'env:P', ...extra, '-out', 'legacy.pem'], { P: PASS });
    const error = await errorOf(readPrivateKey(file('legacy.pem'), PASS));
    expect(error.code).toBe('ERR_UNSUPPORTED_KEY');
    expect(error.message).toContain(algorithm);
    expect(error.message).toContain('openssl pkcs8 -topk8 -v2 aes-256-cbc');
  });

  it('refuses a legacy OpenSSL-encrypted PEM key (Proc-Type/DEK-Info) with ERR_UNSUPPORTED_KEY', async () => {
    openssl(['rsa', '-in', 'rsa.pem', '-traditional', '-aes256', '-passout', 'env:P', '-out', 'trad.pem'], { P: PASS });
    expect(readFileSync(join(dir, 'trad.pem'), 'utf8')).toContain('DEK-Info');
    const error = await errorOf(readPrivateKey(file('trad.pem'), PASS));
    expect(error.code).toBe('ERR_UNSUPPORTED_KEY');
    expect(error.message).toContain('openssl pkcs8 -topk8');
  });
});
