import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { concatBytes, utf8Encode } from '../bytes.js';
import { pemBlocks, pemDecode, pemEncode, readCertificates } from './pem.js';
import { generateTestCa, generateTestIdentity } from './testpki.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isSealpostError(error) ? error.code : `not a SealpostError: ${String(error)}`;
  }
  return undefined;
}

describe('pemEncode / pemDecode', () => {
  it('round-trips bytes with 64-column lines', () => {
    const der = Uint8Array.from({ length: 200 }, (_, i) => i);
    const pem = pemEncode(der, 'CERTIFICATE');
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines.slice(1, -1).every((line) => line.length <= 64)).toBe(true);
    expect(lines[1]).toHaveLength(64);
    expect(pemDecode(pem)).toEqual([der]);
  });

  it('returns every block, or those with the label, ignoring text around them and CRLF', () => {
    const text = [
      'Bag Attributes',
      '    friendlyName: x',
      pemEncode(Uint8Array.of(1, 2, 3), 'CERTIFICATE'),
      'subject=/CN=y',
      pemEncode(Uint8Array.of(4, 5), 'PRIVATE KEY'),
      pemEncode(Uint8Array.of(6), 'CERTIFICATE'),
    ]
      .join('\n')
      .replace(/\n/g, '\r\n');
    expect(pemDecode(text)).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5), Uint8Array.of(6)]);
    expect(pemDecode(text, 'CERTIFICATE')).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(6)]);
    expect(pemDecode(text, 'X509 CRL')).toEqual([]);
  });

  it('reads RFC 1421 headers of legacy encrypted keys apart from the base64', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00FF\n\nAQID\n-----END RSA PRIVATE KEY-----\n';
    const [block] = pemBlocks(text);
    expect(block?.headers).toEqual({ 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,00FF' });
    expect(block?.der).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('refuses a block without END line or with bad base64', () => {
    expect(codeOf(() => pemDecode('-----BEGIN CERTIFICATE-----\nAQID\n'))).toBe('ERR_ASN1_MALFORMED');
    expect(codeOf(() => pemDecode('-----BEGIN CERTIFICATE-----\nA*ID\n-----END CERTIFICATE-----\n'))).toBe('ERR_ASN1_MALFORMED');
    expect(codeOf(() => pemDecode('-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----\n'))).toBe('ERR_ASN1_MALFORMED');
  });

  it('refuses an invalid label', () => {
    expect(() => pemEncode(Uint8Array.of(1), 'BAD-----LABEL\n')).toThrow(TypeError);
  });
});

describe('readCertificates', () => {
  let ca: Uint8Array;
  let leaf: Uint8Array;
  beforeAll(async () => {
    const testCa = await generateTestCa({ keyType: 'ec-p256' });
    ca = testCa.certificate;
    leaf = (await generateTestIdentity({ email: 'a@example.com', keyType: 'ec-p256', ca: testCa })).certificate;
  });

  it('reads one PEM certificate, a PEM bundle, one DER certificate and concatenated DER', () => {
    expect(readCertificates(utf8Encode(pemEncode(leaf, 'CERTIFICATE')))).toEqual([leaf]);
    expect(readCertificates(utf8Encode(`${pemEncode(leaf, 'CERTIFICATE')}\n${pemEncode(ca, 'CERTIFICATE')}`))).toEqual([leaf, ca]);
    expect(readCertificates(leaf)).toEqual([leaf]);
    expect(readCertificates(concatBytes(leaf, ca))).toEqual([leaf, ca]);
  });

  it('refuses input without certificates, and garbage', () => {
    expect(codeOf(() => readCertificates(utf8Encode(pemEncode(Uint8Array.of(1), 'PRIVATE KEY'))))).toBe('ERR_CERTIFICATE_MALFORMED');
    expect(codeOf(() => readCertificates(utf8Encode('hello')))).toBe('ERR_CERTIFICATE_MALFORMED');
    expect(codeOf(() => readCertificates(new Uint8Array(0)))).toBe('ERR_CERTIFICATE_MALFORMED');
    expect(codeOf(() => readCertificates(leaf.subarray(0, leaf.length - 1)))).toBe('ERR_CERTIFICATE_MALFORMED');
    // A well-formed PEM block whose contents are not a certificate.
    expect(codeOf(() => readCertificates(utf8Encode(pemEncode(Uint8Array.of(0x30, 0x00), 'CERTIFICATE'))))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  describe.skipIf(!hasOpenssl)('OpenSSL containers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealpost-pem-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a PKCS#7 certs-only bundle in PEM and DER (openssl crl2pkcs7)', () => {
      writeFileSync(join(dir, 'bundle.pem'), pemEncode(leaf, 'CERTIFICATE') + pemEncode(ca, 'CERTIFICATE'));
      execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem', '-out', 'bundle.p7b'], { cwd: dir, stdio: 'pipe' });
      execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem', '-outform', 'DER', '-out', 'bundle.p7c'], { cwd: dir, stdio: 'pipe' });
      expect(readCertificates(readFileSync(join(dir, 'bundle.p7b')))).toEqual([leaf, ca]);
      expect(readCertificates(readFileSync(join(dir, 'bundle.p7c')))).toEqual([leaf, ca]);
    });

    it('reads a TRUSTED CERTIFICATE (openssl x509 -trustout), dropping the trust settings', () => {
      writeFileSync(join(dir, 'ca.pem'), pemEncode(ca, 'CERTIFICATE'));
      execFileSync('openssl', ['x509', '-in', 'ca.pem', '-addtrust', 'emailProtection', '-trustout', '-out', 'trusted.pem'], { cwd: dir, stdio: 'pipe' });
      const text = readFileSync(join(dir, 'trusted.pem'), 'utf8');
      expect(text).toContain('BEGIN TRUSTED CERTIFICATE');
      expect(readCertificates(utf8Encode(text))).toEqual([ca]);
    });
  });
});
