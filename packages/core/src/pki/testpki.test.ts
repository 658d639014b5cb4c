import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { parseCertificate } from './certificate.js';
import { keyMatchesCertificate, privateKeyInfo } from './keys.js';
import { OID } from '../asn1/oids.js';
import { pemEncode } from './pem.js';
import { generateTestCa, generateTestIdentity } from './testpki.js';
import type { TestKeyType } from './types.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'sealpost-testpki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePem(name: string, ...certificates: Uint8Array[]): string {
  const path = join(dir, name);
  writeFileSync(path, certificates.map((der) => pemEncode(der, 'CERTIFICATE')).join(''));
  return path;
}

/** Exit status and output of `openssl verify`; never throws. */
function opensslVerify(args: readonly string[]): { status: number; output: string } {
  try {
    const output = execFileSync('openssl', ['verify', ...args], { stdio: 'pipe', encoding: 'utf8' });
    return { status: 0, output };
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    return { status: failed.status ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('generateTestCa', () => {
  it('makes a self-signed RSA-2048 root with CA extensions and ten years of validity', async () => {
    const before = Date.now();
    const ca = await generateTestCa();
    const info = parseCertificate(ca.certificate);
    expect(ca.keyType).toBe('rsa-2048');
    expect(ca.chain).toEqual([]);
    expect(info.subject).toBe('CN=Sealpost Test CA,O=Sealpost Test');
    expect(info.selfIssued).toBe(true);
    expect(info.isCA).toBe(true);
    expect(info.pathLength).toBeNull();
    expect(info.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(info.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(info.publicKey).toEqual({ type: 'rsa', bits: 2048, exponent: 65537n });
    expect(info.signatureAlgorithm).toBe(OID.sha256WithRSAEncryption);
    expect(info.notBefore.getTime()).toBeLessThan(before - 59 * 60 * 1000);
    expect(info.notAfter.getTime() - before).toBeGreaterThan(9.9 * 365 * 24 * 3600 * 1000);
    expect(await keyMatchesCertificate(ca.privateKey, ca.certificate)).toBe(true);
  });

  it('issues an intermediate with a path length and an authority key identifier', async () => {
    const root = await generateTestCa({ keyType: 'ec-p256', commonName: 'Root' });
    const intermediate = await generateTestCa({ issuer: root, commonName: 'Intermediate', pathLength: 0 });
    const rootInfo = parseCertificate(root.certificate);
    const info = parseCertificate(intermediate.certificate);
    expect(info.issuerDer).toEqual(rootInfo.subjectDer);
    expect(info.authorityKeyId).toBe(rootInfo.subjectKeyId);
    expect(info.pathLength).toBe(0);
    expect(info.signatureAlgorithm).toBe(OID.ecdsaWithSha256);
    expect(intermediate.chain).toEqual([]);
    const leaf = await generateTestIdentity({ email: 'a@example.com', ca: intermediate });
    expect(leaf.chain).toEqual([intermediate.certificate]);
  });
});

describe('generateTestIdentity', () => {
  it.each<TestKeyType>(['rsa-2048', 'rsa-3072', 'ec-p256'])('makes an S/MIME %s certificate readable back', async (keyType) => {
    const ca = await generateTestCa();
    const id = await generateTestIdentity({ email: 'Alice@Example.COM', keyType, ca });
    const info = parseCertificate(id.certificate);
    expect(id.email).toBe('Alice@example.com');
    expect(info.emailAddresses).toEqual(['Alice@example.com']);
    expect(info.subject).toBe('CN=Alice@example.com');
    expect(info.isCA).toBe(false);
    expect(info.extendedKeyUsage).toEqual([OID.emailProtection]);
    expect(info.keyUsage).toEqual(keyType === 'ec-p256' ? ['digitalSignature', 'keyAgreement'] : ['digitalSignature', 'nonRepudiation', 'keyEncipherment']);
    expect(info.authorityKeyId).toBe(parseCertificate(ca.certificate).subjectKeyId);
    expect(info.subjectKeyId).not.toBeNull();
    // 16 octets, the first in 0x01..0x7f: positive, and DER keeps all 16.
    expect(info.serial).toMatch(/^[1-7]?[0-9a-f]{31}$/);
    expect(info.publicKey.type).toBe(keyType === 'ec-p256' ? 'ec' : 'rsa');
    expect(privateKeyInfo(id.privateKey).bits).toBe(keyType === 'rsa-3072' ? 3072 : keyType === 'rsa-2048' ? 2048 : 256);
    expect(await keyMatchesCertificate(id.privateKey, id.certificate)).toBe(true);
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBeGreaterThan(365 * 24 * 3600 * 1000);
  });

  it('makes a self-signed identity when no CA is given, with the requested CN and validity', async () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2055-06-01T12:00:00Z');
    const id = await generateTestIdentity({ email: 'bob@example.org', keyType: 'ec-p256', commonName: 'Bob', notBefore, notAfter });
    const info = parseCertificate(id.certificate);
    expect(info.selfIssued).toBe(true);
    expect(info.subject).toBe('CN=Bob');
    expect(info.notBefore).toEqual(notBefore);
    // 2055 needs GeneralizedTime; reading it back checks both encodings.
    expect(info.notAfter).toEqual(notAfter);
    expect(id.chain).toEqual([]);
  });

  it('rejects an address that is not an ASCII addr-spec', async () => {
    for (const email of ['no-at-sign', '@example.com', 'a b@example.com', 'josé@example.com']) {
      const error = await generateTestIdentity({ email }).catch((caught: unknown) => caught);
      expect(isSealpostError(error, 'ERR_ADDRESS_MALFORMED')).toBe(true);
    }
  });

  it('rejects a validity period that ends before it starts', async () => {
    await expect(generateTestIdentity({ email: 'a@example.com', notBefore: new Date('2030-01-01'), notAfter: new Date('2029-01-01') })).rejects.toThrow(RangeError);
  });
});

describe.skipIf(!hasOpenssl)('openssl accepts the test PKI', () => {
  it.each<TestKeyType>(['rsa-2048', 'ec-p256'])('openssl verify -purpose smimesign/smimeencrypt accepts a %s identity', async (keyType) => {
    const ca = await generateTestCa({ keyType });
    const id = await generateTestIdentity({ email: `${keyType}@example.com`, keyType, ca });
    const caFile = writePem(`ca-${keyType}.pem`, ca.certificate);
    const eeFile = writePem(`ee-${keyType}.pem`, id.certificate);
    expect(opensslVerify(['-purpose', 'smimesign', '-CAfile', caFile, eeFile])).toEqual({ status: 0, output: `${eeFile}: OK\n` });
    // OpenSSL's smimeencrypt purpose insists on keyEncipherment, which an ECDH certificate has no use for.
    if (keyType !== 'ec-p256') expect(opensslVerify(['-purpose', 'smimeencrypt', '-CAfile', caFile, eeFile]).status).toBe(0);
  });

  it('openssl verify accepts a leaf under an intermediate and refuses it without the intermediate', async () => {
    const root = await generateTestCa();
    const intermediate = await generateTestCa({ issuer: root, commonName: 'Sealpost Test Intermediate', pathLength: 0 });
    const id = await generateTestIdentity({ email: 'carol@example.com', ca: intermediate });
    const caFile = writePem('root.pem', root.certificate);
    const untrusted = writePem('intermediate.pem', ...id.chain);
    const eeFile = writePem('carol.pem', id.certificate);
    expect(opensslVerify(['-purpose', 'smimesign', '-CAfile', caFile, '-untrusted', untrusted, eeFile]).status).toBe(0);
    expect(opensslVerify(['-purpose', 'smimesign', '-CAfile', caFile, eeFile]).status).not.toBe(0);
  });

  it('openssl verify refuses a certificate from another CA', async () => {
    const ca = await generateTestCa();
    const other = await generateTestCa();
    const id = await generateTestIdentity({ email: 'dave@example.com', ca });
    const result = opensslVerify(['-purpose', 'smimesign', '-CAfile', writePem('other.pem', other.certificate), writePem('dave.pem', id.certificate)]);
    expect(result.status).not.toBe(0);
  });
});
