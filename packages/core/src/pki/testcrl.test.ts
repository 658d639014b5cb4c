import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VerifyPrimitives } from '../backend-kit/primitives.js';
import { checkCertificateSignature } from '../backend-kit/verify-signed-data.js';
import { parseCertificate, parseCertificateDetails } from './certificate.js';
import { DEFAULT_CHAIN_POLICY } from './chain.js';
import { parseCrl } from './crl.js';
import { pemEncode } from './pem.js';
import { type CheckRevocationOptions, checkRevocation, readGivenCrls, resolveRevocationSettings } from './revocation.js';
import { generateTestCrl } from './testcrl.js';
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

const dir = mkdtempSync(join(tmpdir(), 'sealpost-testcrl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 24 * 3600 * 1000;
const URL = 'http://127.0.0.1:8080/ca.crl';

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Exit status and output (stdout, then stderr) of an openssl command. */
function openssl(args: readonly string[]): { status: number; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Core's certificate-signature rule over node:crypto, as the openssl backend has it. */
const primitives: VerifyPrimitives = {
  digest: (algorithm, data) => new Uint8Array(createHash(algorithm.replace('-', '')).update(data).digest()),
  verifySignature: (check) =>
    nodeVerify(check.params.hash.replace('-', ''), check.data, { key: createPublicKey({ key: Buffer.from(check.spki), format: 'der', type: 'spki' }), dsaEncoding: 'der' }, check.signature),
};
const backend: CheckRevocationOptions['backend'] = {
  verifyCertificateSignature: (request) => checkCertificateSignature(primitives, request),
  digest: async ({ algorithm, data }) => primitives.digest(algorithm, data),
};

/** What openssl calls the signature algorithm of each CA key type's CRL. */
const SIGNATURE_NAMES: Partial<Record<TestKeyType, string>> = { 'rsa-2048': 'sha256WithRSAEncryption', 'ec-p256': 'ecdsa-with-SHA256', ed25519: 'ED25519' };

/** A CA, two people it issued (one revoked), and its CRL. */
async function pki(keyType: TestKeyType) {
  const ca = await generateTestCa({ keyType });
  const carol = await generateTestIdentity({ email: 'carol@example.com', keyType, ca, crlDistributionPoint: URL });
  const dave = await generateTestIdentity({ email: 'dave@example.com', keyType, ca, crlDistributionPoint: URL });
  const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const thisUpdate = new Date(revokedAt.getTime() + 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + DAY);
  const crl = await generateTestCrl({
    ca,
    revoked: [{ serial: parseCertificate(carol.certificate).serial, date: revokedAt, reason: 'keyCompromise' }],
    thisUpdate,
    nextUpdate,
    crlNumber: 7,
  });
  return { ca, carol, dave, crl, revokedAt, thisUpdate, nextUpdate };
}

describe('generateTestCrl', () => {
  it.each<TestKeyType>(['rsa-2048', 'ec-p256', 'ed25519'])('writes a %s CA CRL that core reads back: issuer, times, entries, reason, key id', async (keyType) => {
    const { ca, carol, dave, crl, revokedAt, thisUpdate, nextUpdate } = await pki(keyType);
    const caInfo = parseCertificate(ca.certificate);
    const info = parseCrl(crl);
    expect(info.issuerDer).toEqual(caInfo.subjectDer);
    expect(info.issuer).toBe('CN=Sealpost Test CA,O=Sealpost Test');
    expect(info.thisUpdate).toEqual(thisUpdate);
    expect(info.nextUpdate).toEqual(nextUpdate);
    expect(info.authorityKeyId).toBe(caInfo.subjectKeyId);
    expect(info.unprocessedCritical).toEqual([]);
    expect(info.signatureDigest).toBe(keyType === 'ed25519' ? 'sha-512' : 'sha-256');
    expect([...info.entries]).toEqual([[parseCertificate(carol.certificate).serial, { revocationDate: revokedAt, reason: 'keyCompromise' }]]);
    expect(info.entries.has(parseCertificate(dave.certificate).serial)).toBe(false);
  });

  it('puts the distribution point in the certificate where the revocation checker finds it', async () => {
    const ca = await generateTestCa({ keyType: 'ec-p256' });
    const with_ = await generateTestIdentity({ email: 'carol@example.com', keyType: 'ec-p256', ca, crlDistributionPoint: URL });
    const without = await generateTestIdentity({ email: 'dave@example.com', keyType: 'ec-p256', ca });
    expect(parseCertificateDetails(with_.certificate).revocationPointers).toEqual({ ocsp: [], crl: [URL] });
    expect(parseCertificateDetails(without.certificate).revocationPointers).toEqual({ ocsp: [], crl: [] });
    const intermediate = await generateTestCa({ issuer: ca, commonName: 'Intermediate', crlDistributionPoint: URL });
    expect(parseCertificateDetails(intermediate.certificate).revocationPointers.crl).toEqual([URL]);
  });

  it('is a CRL the revocation checker accepts: the revoked certificate is revoked, the other good', async () => {
    const { ca, carol, dave, crl, revokedAt } = await pki('rsa-2048');
    const check = async (leaf: Uint8Array) => {
      const [answer] = await checkRevocation({
        path: [leaf, ca.certificate],
        crls: readGivenCrls([crl]),
        now: new Date(),
        backend,
        policy: DEFAULT_CHAIN_POLICY,
        settings: resolveRevocationSettings({ cache: false, fetch: () => Promise.reject(new Error('nothing is fetched when a given CRL answers')) }),
      });
      return answer;
    };
    expect(await check(carol.certificate)).toMatchObject({ status: 'revoked', source: 'crl', revokedAt: revokedAt.toISOString(), reason: 'keyCompromise' });
    expect(await check(dave.certificate)).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('writes no revokedCertificates when nothing is revoked, and an entry without reason when none is given', async () => {
    const ca = await generateTestCa({ keyType: 'ec-p256' });
    expect(parseCrl(await generateTestCrl({ ca })).entries.size).toBe(0);
    const date = new Date('2049-12-31T23:59:59Z');
    const info = parseCrl(await generateTestCrl({ ca, revoked: [{ serial: '00ff01', date }], thisUpdate: new Date('2050-01-01T00:00:00Z') }));
    // 2050 and later is GeneralizedTime (RFC 5280 5.1.2.4); the default nextUpdate is a week later.
    expect(info.thisUpdate).toEqual(new Date('2050-01-01T00:00:00Z'));
    expect(info.nextUpdate).toEqual(new Date('2050-01-08T00:00:00Z'));
    expect([...info.entries]).toEqual([['ff01', { revocationDate: date, reason: null }]]);
  });

  it('refuses a nextUpdate not after thisUpdate and a serial that is not hex', async () => {
    const ca = await generateTestCa({ keyType: 'ec-p256' });
    const now = new Date();
    await expect(generateTestCrl({ ca, thisUpdate: now, nextUpdate: now })).rejects.toThrow(RangeError);
    await expect(generateTestCrl({ ca, revoked: [{ serial: '12:34', date: now }] })).rejects.toThrow(TypeError);
  });
});

describe.skipIf(!hasOpenssl)('openssl reads the test CRL', () => {
  it.each<TestKeyType>(['rsa-2048', 'ec-p256', 'ed25519'])('openssl crl prints what was written and verifies the %s signature', async (keyType) => {
    const { ca, carol, crl } = await pki(keyType);
    const crlFile = write(`crl-${keyType}.der`, crl);
    const caFile = write(`ca-${keyType}.pem`, pemEncode(ca.certificate, 'CERTIFICATE'));
    const text = openssl(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']);
    expect(text.status, text.output).toBe(0);
    expect(text.output).toContain('Version 2 (0x1)');
    expect(text.output).toMatch(/Issuer: O ?= ?Sealpost Test, CN ?= ?Sealpost Test CA/);
    expect(text.output).toMatch(/X509v3 CRL Number:\s+7/);
    expect(text.output).toMatch(/X509v3 Authority Key Identifier:/);
    // openssl prints whole octets: a serial of an odd number of hex digits gains a leading 0.
    expect(text.output.toLowerCase()).toMatch(new RegExp(`serial number: 0?${parseCertificate(carol.certificate).serial}\\n`));
    expect(text.output).toMatch(/X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text.output).toContain(SIGNATURE_NAMES[keyType]);
    const signature = openssl(['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', caFile, '-noout']);
    expect(signature).toMatchObject({ status: 0 });
    expect(signature.output).toMatch(/verify OK/);
  });

  it.each<TestKeyType>(['rsa-2048', 'ec-p256', 'ed25519'])('openssl verify -crl_check refuses the revoked %s certificate and accepts the other', async (keyType) => {
    const { ca, carol, dave, crl } = await pki(keyType);
    const caFile = write(`ca-check-${keyType}.pem`, pemEncode(ca.certificate, 'CERTIFICATE'));
    const crlFile = write(`crl-check-${keyType}.pem`, pemEncode(crl, 'X509 CRL'));
    const verify = (leaf: Uint8Array, name: string) => openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, write(`${name}-${keyType}.pem`, pemEncode(leaf, 'CERTIFICATE'))]);
    const revoked = verify(carol.certificate, 'carol');
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toMatch(/error 23 at 0 depth lookup: certificate revoked/);
    expect(verify(dave.certificate, 'dave')).toMatchObject({ status: 0 });
    // The certificate's distribution point is as openssl reads it.
    expect(openssl(['x509', '-in', join(dir, `carol-${keyType}.pem`), '-noout', '-ext', 'crlDistributionPoints']).output).toContain(`URI:${URL}`);
  });
});
