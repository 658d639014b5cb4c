import type { DigestAlgorithm, SignatureScheme, SignerCheck } from '@sealpost/core';
import { bytesEqual, der } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import { makeTestPki, openssl, opensslOk, readTemp, writeTemp, type Identity, type TestPki } from '../test-support/openssl-pki.js';
import { createPkijsBackend } from './backend.js';
import { createContext } from './context.js';
import { computeDigest } from './digest.js';
import { privateKeyFacts } from './keys.js';
import { createSignature } from './signature-create.js';
const readSignedData = (cms: Uint8Array) => kit.readSignedData(cms);

const backend = createPkijsBackend();
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nHello from the pkijs backend.\r\n');
let pki: TestPki;

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki?.cleanup());

function signer(id: Identity, digest: DigestAlgorithm, scheme?: SignatureScheme) {
  return { certificate: id.cert, privateKey: { type: 'pkcs8' as const, der: id.key }, digest, ...(scheme === undefined ? {} : { scheme }) };
}

function good(id: Identity, messageDigestValid: boolean | null = true): SignerCheck {
  return { index: 0, certificate: id.cert, signatureValid: true, messageDigestValid, error: null };
}

let counter = 0;
/** openssl cms -verify on a DER/BER CMS; true iff exit 0 (and, for opaque data, the content matches). */
function opensslVerifies(cms: Uint8Array, detachedContent?: Uint8Array): boolean {
  const n = counter++;
  const sig = writeTemp(pki, `v${n}.der`, cms);
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-CAfile', pki.caPath, '-purpose', 'smimesign', '-out', `v${n}.out`];
  if (detachedContent !== undefined) args.push('-content', writeTemp(pki, `v${n}.content`, detachedContent));
  const result = openssl(pki.dir, ...args);
  if (result.status !== 0) return false;
  return detachedContent !== undefined || bytesEqual(readTemp(pki, `v${n}.out`), content);
}

/** Signs `content` with openssl cms and returns the DER/BER output. */
function opensslSign(args: readonly string[], signers: readonly Identity[] = [pki.alice], input: Uint8Array = content): Uint8Array {
  const n = counter++;
  const inPath = writeTemp(pki, `s${n}.in`, input);
  const signerArgs = signers.flatMap((s) => ['-signer', s.certPath, '-inkey', s.keyPath]);
  opensslOk(pki.dir, 'cms', '-sign', '-binary', '-in', inPath, ...signerArgs, '-outform', 'DER', '-out', `s${n}.der`, ...args);
  return readTemp(pki, `s${n}.der`);
}

const cases: Array<[string, () => Identity, SignatureScheme, DigestAlgorithm]> = [
  ['RSA PKCS#1 v1.5', () => pki.alice, 'rsa-pkcs1', 'sha-256'],
  ['RSA PKCS#1 v1.5', () => pki.alice, 'rsa-pkcs1', 'sha-384'],
  ['RSA PKCS#1 v1.5', () => pki.alice, 'rsa-pkcs1', 'sha-512'],
  ['RSASSA-PSS', () => pki.alice, 'rsa-pss', 'sha-256'],
  ['RSASSA-PSS', () => pki.alice, 'rsa-pss', 'sha-384'],
  ['RSASSA-PSS', () => pki.alice, 'rsa-pss', 'sha-512'],
  ['ECDSA P-256', () => pki.carol, 'ecdsa', 'sha-256'],
  ['ECDSA P-256', () => pki.carol, 'ecdsa', 'sha-384'],
  ['ECDSA P-256', () => pki.carol, 'ecdsa', 'sha-512'],
  ['ECDSA P-384', () => pki.dave, 'ecdsa', 'sha-384'],
  ['ECDSA P-384', () => pki.dave, 'ecdsa', 'sha-256'],
  // Legacy: claimed so that old archives stay readable; core's default policy refuses SHA-1.
  ['RSA PKCS#1 v1.5', () => pki.alice, 'rsa-pkcs1', 'sha-1'],
  ['ECDSA P-256', () => pki.carol, 'ecdsa', 'sha-1'],
];

describe('signatures made here', () => {
  for (const [label, id, scheme, digest] of cases) {
    for (const detached of [true, false]) {
      it(`${label} ${digest} ${detached ? 'detached' : 'opaque'}: verifies here and with openssl cms`, async () => {
        const cms = await backend.sign({ content, detached, signers: [signer(id(), digest, scheme)] });
        const checks = await backend.verify({ cms, ...(detached ? { content } : {}) });
        expect(checks).toEqual([good(id())]);
        expect(opensslVerifies(cms, detached ? content : undefined)).toBe(true);
      });
    }
  }

  it('uses the default scheme for the key type', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const ec = await backend.sign({ content, detached: true, signers: [signer(pki.carol, 'sha-256')] });
    expect(readSignedData(rsa).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.rsaEncryption);
    expect(readSignedData(ec).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.ecdsaWithSha256);
  });

  it('is DER: openssl re-encoding the structure changes no byte', async () => {
    const cms = await backend.sign({
      content,
      detached: false,
      signers: [{ ...signer(pki.alice, 'sha-256'), signingTime: new Date('2026-01-02T03:04:05Z'), smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] }],
      certificates: [pki.ca.cert],
    });
    const inPath = writeTemp(pki, 'der-check.der', cms);
    opensslOk(pki.dir, 'cms', '-cmsout', '-inform', 'DER', '-in', inPath, '-outform', 'DER', '-out', 'der-check.out');
    expect(bytesEqual(readTemp(pki, 'der-check.out'), cms)).toBe(true);
  });

  it('writes the signed attributes, the signer identifier, the certificates and no eContent when detached', async () => {
    const cms = await backend.sign({
      content,
      detached: true,
      signers: [{ ...signer(pki.alice, 'sha-256'), signingTime: new Date('2026-01-02T03:04:05Z'), smimeCapabilities: ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'] }],
      certificates: [pki.ca.cert],
    });
    const sd = readSignedData(cms);
    expect(sd.eContent).toBeNull();
    expect(sd.certificates).toHaveLength(2);
    expect(sd.certificates.some((c) => bytesEqual(c, pki.ca.cert))).toBe(true);
    const s = sd.signers[0];
    expect(s?.sid?.type).toBe('issuerAndSerialNumber');
    const attributes = (kit.childrenOf(s?.signedAttrs ?? undefined) ?? []).map((a) => kit.oidOf(kit.childrenOf(a)?.[0]));
    expect(attributes.sort()).toEqual([kit.OID.contentType, kit.OID.messageDigest, kit.OID.signingTime, kit.OID.smimeCapabilities].sort());
    const caps = kit.childrenOf(s?.signedAttrs ?? undefined)?.find((a) => kit.oidOf(kit.childrenOf(a)?.[0]) === kit.OID.smimeCapabilities);
    const list = kit.childrenOf(kit.childrenOf(kit.childrenOf(caps)?.[1])?.[0]) ?? [];
    expect(list.map((c) => kit.oidOf(kit.childrenOf(c)?.[0]))).toEqual([kit.OID.aes256Gcm, kit.OID.aes128Gcm, kit.OID.aes256Cbc, kit.OID.aes128Cbc]);
    const printed = opensslOk(pki.dir, 'cms', '-cmsout', '-print', '-inform', 'DER', '-in', writeTemp(pki, 'attrs.der', cms)).stdout.toString();
    expect(printed).toMatch(/signingTime/);
    expect(printed).toMatch(/Jan\s+2 03:04:05 2026 GMT/);
  });

  it('signs with several signers, each verifying', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256'), signer(pki.carol, 'sha-384')] });
    const checks = await backend.verify({ cms, content });
    expect(checks).toHaveLength(2);
    for (const c of checks) expect(c).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
    expect(checks.map((c) => c.certificate).sort((a, b) => (a?.length ?? 0) - (b?.length ?? 0))).toHaveLength(2);
    expect(opensslVerifies(cms, content)).toBe(true);
  });
});

describe('RSASSA-PSS keys (id-RSASSA-PSS, RFC 4055)', () => {
  it('sign with PSS by default, verify here and with openssl, and refuse PKCS#1 v1.5', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.pssKey, 'sha-256')] });
    expect(readSignedData(cms).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.rsassaPss);
    expect(await backend.verify({ cms, content })).toEqual([good(pki.pssKey)]);
    expect(opensslVerifies(cms, content)).toBe(true);
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.pssKey, 'sha-256', 'rsa-pkcs1')] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_SIGNATURE',
    });
  });

  it('a PKCS#1 v1.5 signature claimed for a PSS-only key is invalid', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const pssCert = kit.certificateFactsOf(pki.pssKey.cert);
    if (pssCert === null) throw new Error('test certificate unreadable');
    // Point the signer identifier at the PSS-only certificate; the v1.5 signature must not pass with it.
    const sid = asn1js.fromBER(der.sequence(pssCert.issuer, der.tlv(0x02, pssCert.serial))).result as asn1js.Sequence;
    const repointed = editCms(cms, (si) => void (si.valueBlock.value[1] = sid));
    const checks = await backend.verify({ cms: repointed, content, certificates: [pki.pssKey.cert] });
    expect(checks[0]).toMatchObject({ certificate: pki.pssKey.cert, signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
  });
});

describe('signatures made by openssl cms', () => {
  it('DER detached and opaque', async () => {
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha256']), content })).toEqual([good(pki.alice)]);
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha256', '-nodetach']) })).toEqual([good(pki.alice)]);
  });

  it('BER with indefinite lengths and a segmented eContent (-stream and -indef)', async () => {
    const big = new Uint8Array(150_000).map((_, i) => 32 + (i % 90));
    for (const flag of ['-stream', '-indef']) {
      const cms = opensslSign(['-md', 'sha256', '-nodetach', flag], [pki.alice], big);
      expect(cms[1]).toBe(0x80);
      const checks = await backend.verify({ cms });
      expect(checks).toEqual([good(pki.alice)]);
      expect(bytesEqual(readSignedData(cms).eContent ?? new Uint8Array(0), big)).toBe(true);
    }
    const detached = opensslSign(['-md', 'sha384', '-stream'], [pki.carol]);
    expect(detached[1]).toBe(0x80);
    expect(await backend.verify({ cms: detached, content })).toEqual([good(pki.carol)]);
  });

  it('RSASSA-PSS, ECDSA P-384, SHA-512', async () => {
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss']), content })).toEqual([good(pki.alice)]);
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha512'], [pki.dave]), content })).toEqual([good(pki.dave)]);
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha512']), content })).toEqual([good(pki.alice)]);
  });

  it('two signers, in SignedData order', async () => {
    const cms = opensslSign(['-md', 'sha256'], [pki.alice, pki.carol]);
    const checks = await backend.verify({ cms, content });
    expect(checks.map((c) => c.index)).toEqual([0, 1]);
    expect(checks.every((c) => c.signatureValid && c.messageDigestValid === true && c.error === null)).toBe(true);
    expect(new Set(checks.map((c) => (c.certificate === null ? 'none' : c.certificate.length)))).toEqual(new Set([pki.alice.cert.length, pki.carol.cert.length]));
  });

  it('finds the signer by subjectKeyIdentifier (-keyid)', async () => {
    const cms = opensslSign(['-md', 'sha256', '-keyid']);
    expect(readSignedData(cms).signers[0]?.sid?.type).toBe('subjectKeyIdentifier');
    expect(await backend.verify({ cms, content })).toEqual([good(pki.alice)]);
  });

  it('without signed attributes (-noattr): the signature covers the content', async () => {
    const cms = opensslSign(['-md', 'sha256', '-noattr']);
    expect(await backend.verify({ cms, content })).toEqual([good(pki.alice, null)]);
    const other = await backend.verify({ cms, content: new TextEncoder().encode('something else') });
    expect(other[0]).toMatchObject({ signatureValid: false, messageDigestValid: null });
  });

  it('without embedded certificates (-nocerts): certificate null unless the caller supplies it', async () => {
    const cms = opensslSign(['-md', 'sha256', '-nocerts']);
    expect(await backend.verify({ cms, content })).toEqual([{ index: 0, certificate: null, signatureValid: false, messageDigestValid: true, error: null }]);
    expect(await backend.verify({ cms, content, certificates: [pki.bob.cert, pki.alice.cert] })).toEqual([good(pki.alice)]);
  });

  it('SHA-1 is still verified (old archives); SHA-224, which WebCrypto lacks, is verified by core', async () => {
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha1']), content })).toEqual([good(pki.alice)]);
    expect(await backend.verify({ cms: opensslSign(['-md', 'sha224']), content })).toEqual([good(pki.alice)]);
  });
});

/** Re-encodes a CMS after `edit` changed its asn1js tree (lengths recomputed). */
function editCms(cms: Uint8Array, edit: (signerInfo: asn1js.Sequence) => void): Uint8Array {
  const root = asn1js.fromBER(cms).result as asn1js.Sequence;
  const sd = (root.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const signerInfos = sd.valueBlock.value[sd.valueBlock.value.length - 1] as asn1js.Set;
  edit(signerInfos.valueBlock.value[0] as asn1js.Sequence);
  return new Uint8Array(root.toBER(false));
}

function replaceSignatureAlgorithm(signerInfo: asn1js.Sequence, algorithmDer: Uint8Array): void {
  const values = signerInfo.valueBlock.value;
  const index = values.length - 2;
  values[index] = asn1js.fromBER(algorithmDer).result as asn1js.Sequence;
}

describe('verification failures are reported, not thrown', () => {
  it('a flipped signature bit: signatureValid false, messageDigestValid true', async () => {
    for (const id of [pki.alice, pki.carol]) {
      const cms = await backend.sign({ content, detached: true, signers: [signer(id, 'sha-256')] });
      const tampered = cms.slice();
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
      expect(await backend.verify({ cms: tampered, content })).toEqual([{ ...good(id), signatureValid: false }]);
      expect(opensslVerifies(tampered, content)).toBe(false);
    }
  });

  it('different detached content: messageDigestValid false, the signature over the attributes still valid', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const checks = await backend.verify({ cms, content: new TextEncoder().encode('Content-Type: text/plain\r\n\r\nforged\r\n') });
    expect(checks).toEqual([{ ...good(pki.alice), messageDigestValid: false }]);
  });

  it('a changed signed attribute breaks the signature', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [{ ...signer(pki.alice, 'sha-256'), signingTime: new Date('2026-01-02T03:04:05Z') }] });
    const time = new TextEncoder().encode('260102030405Z');
    const at = findBytes(cms, time);
    expect(at).toBeGreaterThan(0);
    const tampered = cms.slice();
    tampered[at + 5] = 0x39; // 03:04:05 -> 03:04:95 is still parsed as bytes; the signature no longer matches
    expect((await backend.verify({ cms: tampered, content }))[0]).toMatchObject({ signatureValid: false, messageDigestValid: true });
  });

  it('signed attributes are hashed as received, not re-encoded (an unsorted SET still verifies)', async () => {
    const ctx = createContext({});
    const cert = kit.certificateFactsOf(pki.alice.cert);
    if (cert === null) throw new Error('test certificate unreadable');
    const attributes = kit.newSignedAttributes({ messageDigest: await computeDigest(ctx, 'sha-256', content), signingTime: new Date('2026-01-02T03:04:05Z') });
    const unsorted = [...attributes].sort((a, b) => (b[b.length - 1] ?? 0) - (a[a.length - 1] ?? 0) || b.length - a.length);
    const sortedAsDer = der.setOf(attributes);
    const asSent = der.tlv(0x31, ...unsorted);
    expect(bytesEqual(sortedAsDer, asSent)).toBe(false);
    const signature = await createSignature(ctx, privateKeyFacts(pki.alice.key), 'rsa-pkcs1', 'sha-256', asSent);
    const signerInfo = der.sequence(
      der.integer(1),
      der.sequence(cert.issuer, der.tlv(0x02, cert.serial)),
      der.algorithmIdentifier(kit.OID.sha256),
      der.tlv(0xa0, ...unsorted),
      der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()),
      der.octetString(signature),
    );
    const signedData = der.sequence(der.integer(1), der.setOf([der.algorithmIdentifier(kit.OID.sha256)]), der.sequence(der.oid(kit.OID.data)), der.tlv(0xa0, pki.alice.cert), der.setOf([signerInfo]));
    const cms = der.sequence(der.oid(kit.OID.signedData), der.explicit(0, signedData));
    expect(await backend.verify({ cms, content })).toEqual([good(pki.alice)]);
  });

  it('a signature algorithm that does not fit the key type is invalid, never checked with the wrong key', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const asEcdsa = editCms(rsa, (si) => replaceSignatureAlgorithm(si, der.algorithmIdentifier(kit.OID.ecdsaWithSha256)));
    expect((await backend.verify({ cms: asEcdsa, content }))[0]).toMatchObject({ signatureValid: false, messageDigestValid: true, error: { code: 'ERR_SIGNATURE_INVALID' } });
    const ec = await backend.sign({ content, detached: true, signers: [signer(pki.carol, 'sha-256')] });
    const asRsa = editCms(ec, (si) => replaceSignatureAlgorithm(si, der.algorithmIdentifier(kit.OID.sha256WithRSAEncryption, der.nullValue())));
    expect((await backend.verify({ cms: asRsa, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
    // The control: the untouched re-encoding still verifies, so the edit is what made the difference.
    expect((await backend.verify({ cms: editCms(rsa, () => undefined), content }))[0]?.signatureValid).toBe(true);
  });

  it('an unsupported signature algorithm (DSA) is a signer error', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const asDsa = editCms(rsa, (si) => replaceSignatureAlgorithm(si, der.algorithmIdentifier('2.16.840.1.101.3.4.3.2')));
    expect((await backend.verify({ cms: asDsa, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_UNSUPPORTED_SIGNATURE' } });
  });

  it('a hash in the signature algorithm that differs from the digest algorithm is refused', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    const mixed = editCms(rsa, (si) => replaceSignatureAlgorithm(si, der.algorithmIdentifier(kit.OID.sha512WithRSAEncryption, der.nullValue())));
    expect((await backend.verify({ cms: mixed, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
  });
});

describe('errors', () => {
  it('malformed CMS throws ERR_CMS_MALFORMED; another content type ERR_UNSUPPORTED_CMS', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    await expect(backend.verify({ cms: cms.subarray(0, cms.length - 10), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    await expect(backend.verify({ cms: new Uint8Array([1, 2, 3, 4]), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    await expect(backend.verify({ cms: der.sequence(der.oid(kit.OID.signedData), der.explicit(0, der.sequence(der.integer(1)))), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    const enveloped = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
    await expect(backend.verify({ cms: enveloped })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
  });

  it('a detached signature without its content is a caller error', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256')] });
    await expect(backend.verify({ cms })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('unsupported signing requests throw typed errors', async () => {
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-224')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.alice, 'md5')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256', 'ed25519')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.carol, 'sha-256', 'rsa-pss')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [signer(pki.alice, 'sha-256', 'ecdsa')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(
      backend.sign({ content, detached: true, signers: [{ certificate: pki.alice.cert, privateKey: { type: 'uri', uri: 'pkcs11:object=alice' }, digest: 'sha-256' }] }),
    ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
  });

  it('a private key that is not the certificate key throws ERR_KEY_MISMATCH', async () => {
    const wrong = { certificate: pki.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.bob.key }, digest: 'sha-256' as const };
    await expect(backend.sign({ content, detached: true, signers: [wrong] })).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
    const crossed = { certificate: pki.alice.cert, privateKey: { type: 'pkcs8' as const, der: pki.carol.key }, digest: 'sha-256' as const };
    await expect(backend.sign({ content, detached: true, signers: [crossed] })).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
  });
});

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
