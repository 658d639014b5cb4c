import { constantTimeEqual, der } from '@sealpost/core';
import type { DigestAlgorithm, SignatureScheme, SignerCheck } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { ensureTestPki, opensslCmsSignRaw, opensslVerifyDer, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeAt, replaceAt } from '@sealpost/conformance';
import { makeExtraPki, openssl, writeTemp, type ExtraPki } from '../test-support/extra-pki.js';
import { createForgeBackend } from './backend.js';
import { createContext } from './context.js';
import { computeDigest } from './digest.js';
import { privateKeyFacts } from './keys.js';
import { createSignature } from './signature-create.js';
const readSignedData = (cms: Uint8Array) => kit.readSignedData(cms);

const backend = createForgeBackend();
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nSigned with the forge backend.\r\n');
let pki: TestPki;
let extra: ExtraPki;

interface Signer {
  readonly cert: Uint8Array;
  readonly keyDer: Uint8Array;
  readonly certPath: string;
  readonly keyPath: string;
}

beforeAll(async () => {
  pki = await ensureTestPki();
  extra = makeExtraPki(pki.ca);
});
afterAll(() => extra?.cleanup());

const asSigner = (id: { cert: Uint8Array; key: Uint8Array; certPath: string; keyPath: string }): Signer => ({ ...id, keyDer: id.key });

function signer(id: Signer, digest: DigestAlgorithm, scheme?: SignatureScheme) {
  return { certificate: id.cert, privateKey: { type: 'pkcs8' as const, der: id.keyDer }, digest, ...(scheme === undefined ? {} : { scheme }) };
}

function good(id: Signer, messageDigestValid: boolean | null = true, index = 0): SignerCheck {
  return { index, certificate: id.cert, signatureValid: true, messageDigestValid, error: null };
}

async function opensslVerifies(cms: Uint8Array, detachedContent?: Uint8Array): Promise<boolean> {
  const result = await opensslVerifyDer({ cms, ...(detachedContent === undefined ? {} : { content: detachedContent }), caPath: pki.ca.certPath });
  return result.ok && (detachedContent !== undefined || constantTimeEqual(result.content ?? new Uint8Array(0), content));
}

function opensslSign(args: readonly string[], signers: readonly Signer[], input: Uint8Array = content): Promise<Uint8Array> {
  return opensslCmsSignRaw({ content: input, args: [...signers.flatMap((s) => ['-signer', s.certPath, '-inkey', s.keyPath]), ...args] });
}

/** SignedData element paths inside ContentInfo: [1, 0] is SignedData, its last child the SignerInfos. */
function signerInfoPath(cms: Uint8Array, index = 0): number[] {
  const signedData = nodeAt(cms, [1, 0]);
  return [1, 0, signedData.children.length - 1, index];
}

/** The CMS with the first SignerInfo's signatureAlgorithm replaced. */
function withSignatureAlgorithm(cms: Uint8Array, algorithm: Uint8Array): Uint8Array {
  const path = signerInfoPath(cms);
  const signerInfo = nodeAt(cms, path);
  return replaceAt(cms, [...path, signerInfo.children.length - 2], algorithm);
}

describe('signatures made here', () => {
  const cases: Array<[string, () => Signer, SignatureScheme, DigestAlgorithm]> = [
    ['RSA PKCS#1 v1.5', () => pki.identities.alice, 'rsa-pkcs1', 'sha-256'],
    ['RSA PKCS#1 v1.5', () => pki.identities.alice, 'rsa-pkcs1', 'sha-384'],
    ['RSA PKCS#1 v1.5', () => pki.identities.alice, 'rsa-pkcs1', 'sha-512'],
    ['RSASSA-PSS', () => pki.identities.alice, 'rsa-pss', 'sha-256'],
    ['RSASSA-PSS', () => pki.identities.alice, 'rsa-pss', 'sha-384'],
    ['RSASSA-PSS', () => pki.identities.alice, 'rsa-pss', 'sha-512'],
    ['ECDSA P-256', () => pki.identities.carol, 'ecdsa', 'sha-256'],
    ['ECDSA P-256', () => pki.identities.carol, 'ecdsa', 'sha-384'],
    ['ECDSA P-256', () => pki.identities.carol, 'ecdsa', 'sha-512'],
    ['ECDSA P-384', () => asSigner(extra.p384), 'ecdsa', 'sha-384'],
    ['ECDSA P-384', () => asSigner(extra.p384), 'ecdsa', 'sha-256'],
    ['ECDSA P-384', () => asSigner(extra.p384), 'ecdsa', 'sha-512'],
  ];
  for (const [label, id, scheme, digest] of cases) {
    for (const detached of [true, false]) {
      it(`${label} ${digest} ${detached ? 'detached' : 'opaque'}: verifies here and with openssl cms`, async () => {
        const cms = await backend.sign({ content, detached, signers: [signer(id(), digest, scheme)] });
        expect(await backend.verify({ cms, ...(detached ? { content } : {}) })).toEqual([good(id())]);
        expect(await opensslVerifies(cms, detached ? content : undefined)).toBe(true);
      });
    }
  }

  it('uses the default scheme for the key type, and refuses SHA-1, MD5 and SHA-224 for signing', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256')] });
    const ec = await backend.sign({ content, detached: true, signers: [signer(pki.identities.carol, 'sha-256')] });
    expect(readSignedData(rsa).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.rsaEncryption);
    expect(readSignedData(ec).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.ecdsaWithSha256);
    for (const digest of ['md5', 'sha-224'] as const)
      await expect(backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, digest)] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
  });

  it('is DER: openssl re-encoding the structure changes no byte', async () => {
    const cms = await backend.sign({
      content,
      detached: false,
      signers: [{ ...signer(pki.identities.alice, 'sha-256'), signingTime: new Date('2026-01-02T03:04:05Z'), smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc', 'rc2-cbc'] }],
      certificates: [pki.ca.cert],
    });
    writeTemp(extra, 'der-check.der', cms);
    const result = openssl(extra.dir, 'cms', '-cmsout', '-inform', 'DER', '-in', 'der-check.der', '-outform', 'DER');
    expect(result.status).toBe(0);
    expect(constantTimeEqual(new Uint8Array(result.stdout), cms)).toBe(true);
  });

  it('writes the signed attributes, the signer identifier, the certificates, no eContent when detached', async () => {
    const cms = await backend.sign({
      content,
      detached: true,
      signers: [{ ...signer(pki.identities.alice, 'sha-256'), signingTime: new Date('2051-01-02T03:04:05Z'), smimeCapabilities: ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc'] }],
      certificates: [pki.ca.cert, pki.identities.alice.cert],
    });
    const sd = readSignedData(cms);
    expect(sd.eContent).toBeNull();
    expect(sd.certificates).toHaveLength(2);
    const s = sd.signers[0]!;
    expect(s.sid?.type).toBe('issuerAndSerialNumber');
    const attributes = kit.childrenOf(s.signedAttrs ?? undefined) ?? [];
    expect(attributes.map((a) => kit.oidOf(kit.childrenOf(a)?.[0])).sort()).toEqual([kit.OID.contentType, kit.OID.messageDigest, kit.OID.signingTime, kit.OID.smimeCapabilities].sort());
    const caps = attributes.find((a) => kit.oidOf(kit.childrenOf(a)?.[0]) === kit.OID.smimeCapabilities);
    const list = kit.childrenOf(kit.childrenOf(kit.childrenOf(caps)?.[1])?.[0]) ?? [];
    expect(list.map((c) => kit.oidOf(kit.childrenOf(c)?.[0]))).toEqual([kit.OID.aes256Gcm, kit.OID.aes128Gcm, kit.OID.aes256Cbc]);
    // Years from 2050 on are GeneralizedTime (RFC 5652 11.3).
    expect(Buffer.from(cms).includes(Buffer.from('20510102030405Z'))).toBe(true);
  });

  it('signs with several signers, each verifying, here and with openssl', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256'), signer(pki.identities.carol, 'sha-384')] });
    const checks = await backend.verify({ cms, content });
    expect(checks).toHaveLength(2);
    for (const c of checks) expect(c).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
    expect(await opensslVerifies(cms, content)).toBe(true);
  });
});

describe('RSASSA-PSS keys (id-RSASSA-PSS, RFC 4055)', () => {
  it('sign with PSS by default, verify here and with openssl, and refuse PKCS#1 v1.5', async () => {
    const pssKey = asSigner(extra.pssKey);
    const cms = await backend.sign({ content, detached: true, signers: [signer(pssKey, 'sha-256')] });
    expect(readSignedData(cms).signers[0]?.signatureAlgorithm.oid).toBe(kit.OID.rsassaPss);
    expect(await backend.verify({ cms, content })).toEqual([good(pssKey)]);
    expect(await opensslVerifies(cms, content)).toBe(true);
    await expect(backend.sign({ content, detached: true, signers: [signer(pssKey, 'sha-256', 'rsa-pkcs1')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
  });

  it('a PKCS#1 v1.5 signature claimed for a PSS-only key is invalid', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256')] });
    const pssCert = kit.certificateFactsOf(extra.pssKey.cert)!;
    const repointed = replaceAt(cms, [...signerInfoPath(cms), 1], der.sequence(pssCert.issuer, der.tlv(0x02, pssCert.serial)));
    const [check] = await backend.verify({ cms: repointed, content, certificates: [extra.pssKey.cert] });
    expect(check).toMatchObject({ certificate: extra.pssKey.cert, signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
  });
});

describe('signatures made by openssl cms', () => {
  it('DER detached and opaque', async () => {
    const alice = pki.identities.alice;
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha256'], [alice]), content })).toEqual([good(alice)]);
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha256', '-nodetach'], [alice]) })).toEqual([good(alice)]);
  });

  it('BER with indefinite lengths and a segmented eContent (-stream, -indef)', async () => {
    const { alice, carol } = pki.identities;
    const big = new Uint8Array(150_000).map((_, i) => 32 + (i % 90));
    for (const flag of ['-stream', '-indef']) {
      const cms = await opensslSign(['-md', 'sha256', '-nodetach', flag], [alice], big);
      expect(cms[1]).toBe(0x80);
      expect(await backend.verify({ cms })).toEqual([good(alice)]);
      expect(constantTimeEqual(readSignedData(cms).eContent ?? new Uint8Array(0), big)).toBe(true);
    }
    const detached = await opensslSign(['-md', 'sha384', '-stream'], [carol]);
    expect(detached[1]).toBe(0x80);
    expect(await backend.verify({ cms: detached, content })).toEqual([good(carol)]);
  });

  it('RSASSA-PSS (salt = hash length, and openssl’s default maximum salt), ECDSA P-384, SHA-512', async () => {
    const alice = pki.identities.alice;
    for (const salt of ['digest', 'max'])
      expect(await backend.verify({ cms: await opensslSign(['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss', '-keyopt', `rsa_pss_saltlen:${salt}`], [alice]), content })).toEqual([good(alice)]);
    const p384 = asSigner(extra.p384);
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha512'], [p384]), content })).toEqual([good(p384)]);
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha512'], [alice]), content })).toEqual([good(alice)]);
  });

  it('ECDSA P-521 verifies (signing with P-521 is not offered: ERR_UNSUPPORTED_KEY)', async () => {
    const p521 = asSigner(extra.p521);
    for (const md of ['sha512', 'sha256']) expect(await backend.verify({ cms: await opensslSign(['-md', md], [p521]), content })).toEqual([good(p521)]);
    await expect(backend.sign({ content, detached: true, signers: [signer(p521, 'sha-512')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
  });

  it('two signers, in SignedData order', async () => {
    const { alice, carol } = pki.identities;
    const checks = await backend.verify({ cms: await opensslSign(['-md', 'sha256'], [alice, carol]), content });
    expect(checks.map((c) => c.index)).toEqual([0, 1]);
    expect(checks.every((c) => c.signatureValid && c.messageDigestValid === true && c.error === null)).toBe(true);
    expect(new Set(checks.map((c) => c.certificate?.length))).toEqual(new Set([alice.cert.length, carol.cert.length]));
  });

  it('finds the signer by subjectKeyIdentifier (-keyid)', async () => {
    const alice = pki.identities.alice;
    const cms = await opensslSign(['-md', 'sha256', '-keyid'], [alice]);
    expect(readSignedData(cms).signers[0]?.sid?.type).toBe('subjectKeyIdentifier');
    expect(await backend.verify({ cms, content })).toEqual([good(alice)]);
  });

  it('without signed attributes (-noattr): the signature covers the content', async () => {
    const alice = pki.identities.alice;
    const cms = await opensslSign(['-md', 'sha256', '-noattr'], [alice]);
    expect(await backend.verify({ cms, content })).toEqual([good(alice, null)]);
    const [other] = await backend.verify({ cms, content: new TextEncoder().encode('something else') });
    expect(other).toMatchObject({ signatureValid: false, messageDigestValid: null, error: null });
  });

  it('without embedded certificates (-nocerts): certificate null unless the caller supplies it', async () => {
    const { alice, bob } = pki.identities;
    const cms = await opensslSign(['-md', 'sha256', '-nocerts'], [alice]);
    expect(await backend.verify({ cms, content })).toEqual([{ index: 0, certificate: null, signatureValid: false, messageDigestValid: true, error: null }]);
    expect(await backend.verify({ cms, content, certificates: [bob.cert, alice.cert] })).toEqual([good(alice)]);
  });

  it('SHA-1 is still verified (old archives); SHA-224, which node-forge lacks, is verified by core', async () => {
    const alice = pki.identities.alice;
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha1'], [alice]), content })).toEqual([good(alice)]);
    expect(await backend.verify({ cms: await opensslSign(['-md', 'sha224'], [alice]), content })).toEqual([good(alice)]);
  });
});

describe('verification failures are reported, not thrown', () => {
  it('a flipped signature bit: signatureValid false, messageDigestValid true (RSA, PSS, ECDSA)', async () => {
    const { alice, carol } = pki.identities;
    for (const [id, scheme] of [
      [alice, 'rsa-pkcs1'],
      [alice, 'rsa-pss'],
      [carol, 'ecdsa'],
    ] as const) {
      const cms = await backend.sign({ content, detached: true, signers: [signer(id, 'sha-256', scheme)] });
      for (const fromEnd of [1, 40]) {
        const tampered = cms.slice();
        tampered[tampered.length - fromEnd]! ^= 0x01;
        expect(await backend.verify({ cms: tampered, content })).toEqual([{ ...good(id), signatureValid: false }]);
      }
    }
  });

  it('malformed ECDSA signatures are invalid: BER lengths, a trailing octet, a negative or oversized r', async () => {
    const carol = pki.identities.carol;
    const cms = await backend.sign({ content, detached: true, signers: [signer(carol, 'sha-256')] });
    const path = signerInfoPath(cms);
    const signatureIndex = nodeAt(cms, path).children.length - 1;
    const signatureDer = nodeAt(cms, [...path, signatureIndex]).contents;
    const [r, s] = nodeAt(signatureDer, []).children.map((c) => c.contents) as [Uint8Array, Uint8Array];
    const variants = [
      Uint8Array.from([0x30, 0x81, signatureDer.length - 2, ...signatureDer.subarray(2)]),
      Uint8Array.from([...signatureDer, 0x00]),
      der.sequence(der.tlv(0x02, Uint8Array.from([0x00, 0x00, ...r])), der.tlv(0x02, s)),
      der.sequence(der.tlv(0x02, Uint8Array.from([0x80, ...r.subarray(r[0] === 0 ? 1 : 0)])), der.tlv(0x02, s)),
      der.sequence(der.tlv(0x02, Uint8Array.from([0x01, ...r.subarray(r[0] === 0 ? 1 : 0), 0x00])), der.tlv(0x02, s)),
    ];
    // The untouched value, re-inserted through the same edit, verifies: the edits are what fail.
    expect((await backend.verify({ cms: replaceAt(cms, [...path, signatureIndex], der.octetString(signatureDer)), content }))[0]?.signatureValid).toBe(true);
    for (const variant of variants) {
      const [check] = await backend.verify({ cms: replaceAt(cms, [...path, signatureIndex], der.octetString(variant)), content });
      expect(check).toMatchObject({ signatureValid: false, messageDigestValid: true, error: null });
    }
  });

  it('different detached content: messageDigestValid false, the signature over the attributes still valid', async () => {
    const alice = pki.identities.alice;
    const cms = await backend.sign({ content, detached: true, signers: [signer(alice, 'sha-256')] });
    expect(await backend.verify({ cms, content: new TextEncoder().encode('forged') })).toEqual([{ ...good(alice), messageDigestValid: false }]);
  });

  it('signed attributes are hashed as received, not re-encoded (an unsorted SET still verifies)', async () => {
    const alice = pki.identities.alice;
    const ctx = createContext({});
    const cert = kit.certificateFactsOf(alice.cert)!;
    const attributes = kit.newSignedAttributes({ messageDigest: computeDigest('sha-256', content), signingTime: new Date('2026-01-02T03:04:05Z') });
    const unsorted = [...attributes].reverse();
    const asSent = der.tlv(0x31, ...unsorted);
    expect(constantTimeEqual(der.setOf(attributes), asSent)).toBe(false);
    const signature = createSignature(ctx, privateKeyFacts(alice.keyDer), kit.signingParams('rsa-pkcs1', 'sha-256'), asSent);
    const signerInfo = der.sequence(
      der.integer(1),
      der.sequence(cert.issuer, der.tlv(0x02, cert.serial)),
      der.algorithmIdentifier(kit.OID.sha256),
      der.tlv(0xa0, ...unsorted),
      der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()),
      der.octetString(signature),
    );
    const signedData = der.sequence(der.integer(1), der.setOf([der.algorithmIdentifier(kit.OID.sha256)]), der.sequence(der.oid(kit.OID.data)), der.tlv(0xa0, alice.cert), der.setOf([signerInfo]));
    const cms = der.sequence(der.oid(kit.OID.signedData), der.explicit(0, signedData));
    expect(await backend.verify({ cms, content })).toEqual([good(alice)]);
  });

  it('a signature algorithm that does not fit the key type is invalid, never checked with the wrong key', async () => {
    const { alice, carol } = pki.identities;
    const rsa = await backend.sign({ content, detached: true, signers: [signer(alice, 'sha-256')] });
    const asEcdsa = withSignatureAlgorithm(rsa, der.algorithmIdentifier(kit.OID.ecdsaWithSha256));
    expect((await backend.verify({ cms: asEcdsa, content }))[0]).toMatchObject({ signatureValid: false, messageDigestValid: true, error: { code: 'ERR_SIGNATURE_INVALID' } });
    const ec = await backend.sign({ content, detached: true, signers: [signer(carol, 'sha-256')] });
    const asRsa = withSignatureAlgorithm(ec, der.algorithmIdentifier(kit.OID.sha256WithRSAEncryption, der.nullValue()));
    expect((await backend.verify({ cms: asRsa, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
    // Control: sha256WithRSAEncryption in place of rsaEncryption names the same thing and verifies.
    const renamed = withSignatureAlgorithm(rsa, der.algorithmIdentifier(kit.OID.sha256WithRSAEncryption, der.nullValue()));
    expect((await backend.verify({ cms: renamed, content }))[0]).toMatchObject({ signatureValid: true, error: null });
  });

  it('an unsupported signature algorithm (DSA) is a signer error; a hash that differs from the digest algorithm is refused', async () => {
    const rsa = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256')] });
    const asDsa = withSignatureAlgorithm(rsa, der.algorithmIdentifier('2.16.840.1.101.3.4.3.2'));
    expect((await backend.verify({ cms: asDsa, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_UNSUPPORTED_SIGNATURE' } });
    const mixed = withSignatureAlgorithm(rsa, der.algorithmIdentifier(kit.OID.sha512WithRSAEncryption, der.nullValue()));
    expect((await backend.verify({ cms: mixed, content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
  });

  it('PSS parameters are honoured as declared: a different salt length or hash fails', async () => {
    const alice = pki.identities.alice;
    const cms = await backend.sign({ content, detached: true, signers: [signer(alice, 'sha-256', 'rsa-pss')] });
    const pss = (saltLength: number, hash: string = kit.OID.sha256) =>
      der.algorithmIdentifier(
        kit.OID.rsassaPss,
        der.sequence(
          der.explicit(0, der.algorithmIdentifier(hash, der.nullValue())),
          der.explicit(1, der.algorithmIdentifier(kit.OID.mgf1, der.algorithmIdentifier(hash, der.nullValue()))),
          der.explicit(2, der.integer(saltLength)),
        ),
      );
    expect((await backend.verify({ cms: withSignatureAlgorithm(cms, pss(32)), content }))[0]).toMatchObject({ signatureValid: true });
    expect((await backend.verify({ cms: withSignatureAlgorithm(cms, pss(20)), content }))[0]).toMatchObject({ signatureValid: false, error: null });
    expect((await backend.verify({ cms: withSignatureAlgorithm(cms, pss(32, kit.OID.sha384)), content }))[0]).toMatchObject({ signatureValid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
  });
});

describe('errors', () => {
  it('malformed CMS throws ERR_CMS_MALFORMED; another content type ERR_UNSUPPORTED_CMS', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256')] });
    await expect(backend.verify({ cms: cms.subarray(0, cms.length - 10), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    await expect(backend.verify({ cms: new Uint8Array([1, 2, 3, 4]), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    await expect(backend.verify({ cms: der.sequence(der.oid(kit.OID.signedData), der.explicit(0, der.sequence(der.integer(1)))), content })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    const enveloped = await backend.encrypt({ content, recipients: [{ certificate: pki.identities.alice.cert }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
    await expect(backend.verify({ cms: enveloped })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
  });

  it('a detached signature without its content is a caller error', async () => {
    const cms = await backend.sign({ content, detached: true, signers: [signer(pki.identities.alice, 'sha-256')] });
    await expect(backend.verify({ cms })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('unsupported signing requests throw typed errors before any work', async () => {
    const { alice, carol } = pki.identities;
    await expect(backend.sign({ content, detached: true, signers: [signer(alice, 'sha-256', 'ed25519')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [signer(carol, 'sha-256', 'rsa-pss')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [signer(alice, 'sha-256', 'ecdsa')] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
    await expect(backend.sign({ content, detached: true, signers: [{ certificate: alice.cert, privateKey: { type: 'uri', uri: 'pkcs11:object=alice' }, digest: 'sha-256' }] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KEY',
    });
    await expect(backend.sign({ content, detached: true, signers: [{ ...signer(alice, 'sha-256'), privateKey: { type: 'pkcs8', der: Uint8Array.of(0x30, 0x00) } }] })).rejects.toMatchObject({
      code: 'ERR_KEY_MALFORMED',
    });
  });

  it('a private key that is not the certificate key throws ERR_KEY_MISMATCH', async () => {
    const { alice, bob, carol } = pki.identities;
    const p384 = asSigner(extra.p384);
    for (const [certificate, key] of [
      [alice.cert, bob.keyDer],
      [alice.cert, carol.keyDer],
      [carol.cert, p384.keyDer],
    ] as const) {
      await expect(backend.sign({ content, detached: true, signers: [{ certificate, privateKey: { type: 'pkcs8', der: key }, digest: 'sha-256' }] })).rejects.toMatchObject({
        code: 'ERR_KEY_MISMATCH',
      });
    }
  });
});
