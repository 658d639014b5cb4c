import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { concatBytes, utf8Encode } from '../bytes.js';
import { certificateAddresses, normalizeAddress, parseCertificate, parseCertificateDetails, sameCertificate } from './certificate.js';
import { parseBer } from '../asn1/ber-reader.js';
import { explicit, integer, oid, sequence, setOf, tlv, utf8String } from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import { pemDecode } from './pem.js';
import { basicConstraints, generateKeyPair, keyUsage, nameDer, signCertificate, type ExtensionSpec } from './testcert.js';
import { generateTestIdentity } from './testpki.js';

const VECTORS = join(import.meta.dirname, '../../../../tooling/fixtures/vectors');
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

function vectorPem(name: string): Uint8Array {
  const [der] = pemDecode(readFileSync(join(VECTORS, 'rfc9216', name), 'utf8'), 'CERTIFICATE');
  if (der === undefined) throw new Error(`no certificate in ${name}`);
  return der;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isSealpostError(error) ? error.code : `not a SealpostError: ${String(error)}`;
  }
  return undefined;
}

/** A certificate with the given subject and extensions, self-signed by a fresh EC key. */
async function certificateWith(
  subject: Uint8Array,
  extensions: readonly ExtensionSpec[],
  notBefore = new Date('2020-01-01T00:00:00Z'),
  notAfter = new Date('2040-01-01T00:00:00Z'),
): Promise<Uint8Array> {
  const keys = await generateKeyPair('ec-p256');
  return signCertificate({ subject, issuer: subject, spki: keys.spki, notBefore, notAfter, extensions }, keys.privateKey, 'ec-p256');
}

describe('parseCertificate on RFC 9216 example certificates', () => {
  it('reads an RSA signing certificate', () => {
    const info = parseCertificate(vectorPem('alice@smime.example.sig.pem'));
    expect(info.emailAddresses).toEqual(['alice@smime.example']);
    expect(info.subject).toContain('CN=Alice Lovelace');
    expect(info.issuer).toContain('CN=Sample LAMPS RSA Certification Authority');
    expect(info.publicKey).toEqual({ type: 'rsa', bits: 2048, exponent: 65537n });
    expect(info.isCA).toBe(false);
    expect(info.selfIssued).toBe(false);
    expect(info.extendedKeyUsage).toContain(OID.emailProtection);
    expect(info.keyUsage).toContain('digitalSignature');
    expect(info.serial).toMatch(/^[0-9a-f]+$/);
  });

  it('reads Ed25519 and X25519 certificates', () => {
    expect(parseCertificate(vectorPem('carlos@smime.example.sig.pem')).publicKey).toEqual({ type: 'ed25519', bits: 256 });
    expect(parseCertificate(vectorPem('dana@smime.example.enc.pem')).publicKey).toEqual({ type: 'x25519', bits: 256 });
    const ca = parseCertificate(vectorPem('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem'));
    expect(ca.isCA).toBe(true);
    expect(ca.selfIssued).toBe(true);
    expect(ca.signatureAlgorithm).toBe(OID.ed25519);
  });

  it('reports a DSA key (RFC 4134) as unknown with its OID', () => {
    const info = parseCertificate(readFileSync(join(VECTORS, 'rfc4134', 'CarlDSSSelf.cer')));
    expect(info.publicKey).toMatchObject({ type: 'unknown', oid: '1.2.840.10040.4.1' });
    expect(info.selfIssued).toBe(true);
  });
});

describe.skipIf(!hasOpenssl)('parseCertificate on certificates made by openssl req', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-cert-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const openssl = (args: string[]): string => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
  let der: Uint8Array;

  beforeAll(() => {
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '30',
      '-subj',
      '/C=DE/O=Acme\\, Inc./CN=Alice Example/emailAddress=Alice@EXAMPLE.org',
      '-set_serial',
      '0x00ab0001',
      '-addext',
      'subjectAltName=email:alice@Example.ORG,DNS:example.org,email:second@example.net,email:alice@example.org',
      '-addext',
      'keyUsage=critical,keyAgreement,decipherOnly',
      '-addext',
      'extendedKeyUsage=emailProtection,clientAuth',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:2',
    ]);
    const [parsed] = pemDecode(readFileSync(join(dir, 'cert.pem'), 'utf8'));
    if (parsed === undefined) throw new Error('openssl wrote no certificate');
    der = parsed;
  });

  it('reads names, addresses, serial and dates as openssl prints them', () => {
    const info = parseCertificate(der);
    expect(info.subject).toBe('E=Alice@EXAMPLE.org,CN=Alice Example,O=Acme\\, Inc.,C=DE');
    expect(info.issuer).toBe(info.subject);
    // SAN first, then the subject; domains lower-cased, local parts kept, duplicates dropped.
    expect(info.emailAddresses).toEqual(['alice@example.org', 'second@example.net', 'Alice@example.org']);
    expect(certificateAddresses(info)).toEqual(info.emailAddresses);
    expect(certificateAddresses(der)).toEqual(info.emailAddresses);
    expect(info.serial).toBe(
      openssl(['x509', '-in', 'cert.pem', '-noout', '-serial'])
        .trim()
        .replace(/^serial=0*/, '')
        .toLowerCase(),
    );
    expect(info.serial).toBe('ab0001');
    const dates = openssl(['x509', '-in', 'cert.pem', '-noout', '-dates', '-dateopt', 'iso_8601']);
    expect(info.notBefore.getTime()).toBe(Date.parse(/notBefore=(.*)/.exec(dates)?.[1] ?? ''));
    expect(info.notAfter.getTime()).toBe(Date.parse(/notAfter=(.*)/.exec(dates)?.[1] ?? ''));
  });

  it('reads extensions and the key', () => {
    const details = parseCertificateDetails(der);
    const info = details.info;
    expect(info.keyUsage).toEqual(['keyAgreement', 'decipherOnly']);
    expect(info.extendedKeyUsage).toEqual([OID.emailProtection, '1.3.6.1.5.5.7.3.2']);
    expect(info.isCA).toBe(true);
    expect(info.pathLength).toBe(2);
    expect(info.publicKey).toEqual({ type: 'ec', curve: 'P-384', bits: 384 });
    expect(info.signatureAlgorithm).toBe(OID.ecdsaWithSha256);
    expect(info.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(details.criticalExtensions).toEqual([OID.keyUsage, OID.basicConstraints]);
    expect(details.version).toBe(2);
    const spki = pemDecode(openssl(['x509', '-in', 'cert.pem', '-noout', '-pubkey']), 'PUBLIC KEY')[0];
    expect(info.spki).toEqual(spki);
  });
});

describe('parseCertificate details', () => {
  it('formats names per RFC 4514: reverse order, multi-valued RDNs, escaping, non-string values', async () => {
    const subject = sequence(
      setOf([sequence(oid('2.5.4.6'), utf8String('DE'))]),
      setOf([sequence(oid('2.5.4.10'), utf8String('#1 "Best", <Co>; Ltd\\ '))]),
      setOf([sequence(oid(OID.commonName), utf8String(' Jo+Ann')), sequence(oid('0.9.2342.19200300.100.1.1'), utf8String('ja'))]),
      setOf([sequence(oid('1.2.3.4'), integer(5))]),
    );
    const info = parseCertificate(await certificateWith(subject, []));
    // The multi-valued RDN's members appear in DER SET order (sorted encodings).
    expect(info.subject).toBe('1.2.3.4=#020105,CN=\\ Jo\\+Ann+UID=ja,O=\\#1 \\"Best\\"\\, \\<Co\\>\\; Ltd\\\\\\ ,C=DE');
  });

  it('reads UTCTime before 2050 and GeneralizedTime from 2050', async () => {
    const notBefore = new Date('1950-01-01T00:00:00Z');
    const notAfter = new Date('2050-01-01T00:00:00Z');
    const der = await certificateWith(nameDer([[OID.commonName, 't']]), [], notBefore, notAfter);
    const info = parseCertificate(der);
    expect(info.notBefore).toEqual(notBefore);
    expect(info.notAfter).toEqual(notAfter);
  });

  it('treats absent extensions as absent', async () => {
    const info = parseCertificate(await certificateWith(nameDer([[OID.commonName, 'bare']]), []));
    expect(info).toMatchObject({ keyUsage: null, extendedKeyUsage: null, isCA: false, pathLength: null, subjectKeyId: null, authorityKeyId: null, emailAddresses: [] });
  });

  it('compares certificates byte for byte', async () => {
    const a = await generateTestIdentity({ email: 'a@example.com', keyType: 'ec-p256' });
    const b = await generateTestIdentity({ email: 'a@example.com', keyType: 'ec-p256' });
    expect(sameCertificate(a.certificate, Uint8Array.from(a.certificate))).toBe(true);
    expect(sameCertificate(parseCertificate(a.certificate), a.certificate)).toBe(true);
    expect(sameCertificate(a.certificate, b.certificate)).toBe(false);
  });

  it('normalizes addresses: domain lower-cased, local part kept', () => {
    expect(normalizeAddress(' Bob.Smith@Example.COM ')).toBe('Bob.Smith@example.com');
    expect(normalizeAddress('"a@b"@Example.com')).toBe('"a@b"@example.com');
    expect(normalizeAddress('example.com')).toBeNull();
    expect(normalizeAddress('bob@')).toBeNull();
    expect(normalizeAddress('Bob <bob@example.com>')).toBeNull();
  });
});

describe('parseCertificate on malformed input', () => {
  let good: Uint8Array;
  beforeAll(async () => {
    good = (await generateTestIdentity({ email: 'm@example.com', keyType: 'ec-p256' })).certificate;
  });

  it('throws ERR_CERTIFICATE_MALFORMED for garbage, truncation, trailing bytes and text', () => {
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.of(0x30),
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01),
      good.subarray(0, good.length - 10),
      concatBytes(good, Uint8Array.of(0)),
      utf8Encode('-----BEGIN CERTIFICATE-----'),
    ]) {
      expect(codeOf(() => parseCertificate(bytes))).toBe('ERR_CERTIFICATE_MALFORMED');
    }
  });

  it('throws ERR_CERTIFICATE_MALFORMED for every single-byte corruption of the structure it notices, never another error', () => {
    let malformed = 0;
    for (let i = 0; i < good.length; i += 7) {
      const bytes = Uint8Array.from(good);
      bytes[i] = (bytes[i] ?? 0) ^ 0xa5;
      const code = codeOf(() => parseCertificate(bytes));
      expect([undefined, 'ERR_CERTIFICATE_MALFORMED']).toContain(code);
      if (code !== undefined) malformed++;
    }
    expect(malformed).toBeGreaterThan(0);
  });

  it('refuses duplicate extensions and a signature algorithm that differs inside and outside the signed part', async () => {
    const subject = nameDer([[OID.commonName, 'dup']]);
    const duplicated = await certificateWith(subject, [basicConstraints(true), basicConstraints(true)]);
    expect(codeOf(() => parseCertificate(duplicated))).toBe('ERR_CERTIFICATE_MALFORMED');
    const valid = await certificateWith(subject, [keyUsage(['digitalSignature'])]);
    // ecdsa-with-SHA256 (2a 86 48 ce 3d 04 03 02) -> ecdsa-with-SHA384 in the outer AlgorithmIdentifier only.
    const tampered = Uint8Array.from(valid);
    const pattern = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let last = -1;
    for (let i = 0; i + pattern.length <= tampered.length; i++) if (pattern.every((byte, j) => tampered[i + j] === byte)) last = i;
    expect(last).toBeGreaterThan(0);
    tampered[last + 7] = 0x03;
    expect(codeOf(() => parseCertificate(tampered))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('takes validity times only in the forms RFC 5280 4.1.2.5 allows', async () => {
    const der = await certificateWith(nameDer([[OID.commonName, 'times']]), []);
    const [tbs, algorithm, signature] = parseBer(der).children;
    // tbsCertificate: [0] version, serialNumber, signature, issuer, validity (index 4), ...
    const withValidity = (notBefore: Uint8Array, notAfter: Uint8Array): Uint8Array =>
      sequence(sequence(...tbs!.children.map((field, index) => (index === 4 ? sequence(notBefore, notAfter) : field.raw))), algorithm!.raw, signature!.raw);
    const ascii = (tag: number, text: string) => tlv(tag, utf8Encode(text));
    const strict = withValidity(ascii(0x17, '200101000000Z'), ascii(0x18, '20500101000000Z'));
    expect(parseCertificate(strict).notAfter.toISOString()).toBe('2050-01-01T00:00:00.000Z');
    for (const [notBefore, notAfter] of [
      [ascii(0x17, '2001010000Z'), ascii(0x18, '20500101000000Z')], // UTCTime without seconds
      [ascii(0x17, '200101000000+0100'), ascii(0x18, '20500101000000Z')], // UTCTime with an offset
      [ascii(0x17, '200101000000Z'), ascii(0x18, '20500101000000.5Z')], // GeneralizedTime with a fraction
      [ascii(0x17, '200101000000Z'), ascii(0x18, '205001010000Z')], // GeneralizedTime without seconds
    ] as const) {
      expect(codeOf(() => parseCertificate(withValidity(notBefore, notAfter)))).toBe('ERR_CERTIFICATE_MALFORMED');
    }
  });

  it('refuses a version field out of range', () => {
    const tbsLike = sequence(explicit(0, integer(7)), integer(1));
    const bogus = sequence(tbsLike, sequence(oid(OID.ecdsaWithSha256)), Uint8Array.of(0x03, 0x01, 0x00));
    expect(codeOf(() => parseCertificate(bogus))).toBe('ERR_CERTIFICATE_MALFORMED');
  });
});
