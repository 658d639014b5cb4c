import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DecryptReport, type Identity, type KeyStore, type SendRequest, createSealpost, der, inspectCms } from '@sealpost/core';
import { OID, eccCmsSharedInfo } from '@sealpost/core/backend-kit';
import { pemBlocksToDer, vectorsDir } from '@sealpost/fixtures';
import { describe, expect, it } from 'vitest';
import { nodeAt, replaceAt } from './ber-edit.js';
import { type SuiteContext, codes } from './context.js';
import { envelopedMessage, opaqueSignedMessage, textMessage } from './messages.js';
import { cmsOf } from './tamper.js';

/**
 * Ed25519 signatures (RFC 8419) and X25519 key agreement (RFC 8418) with the RFC 9216 example keys:
 * carlos@smime.example signs with Ed25519 under the LAMPS Ed25519 CA, dana@smime.example decrypts with
 * her X25519 key. What a backend claims round-trips and chains; every broken or unsupported input gets
 * the same code on every backend; a backend that claims neither refuses each with its typed error.
 * Other producers (every backend, BouncyCastle) are the interop matrix's rows.
 */

const rfc9216 = (name: string, label: string): Uint8Array => pemBlocksToDer(readFileSync(join(vectorsDir(), 'rfc9216', name), 'utf8'), label)[0]!;

const CARLOS = (): Identity => ({ certificate: rfc9216('carlos@smime.example.sig.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: rfc9216('lamps-carlos.p8.pem', 'PRIVATE KEY') } });
const DANA = (): Identity => ({ certificate: rfc9216('dana@smime.example.enc.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: rfc9216('lamps-dana.decrypt.p8.pem', 'PRIVATE KEY') } });
const ED25519_CA = () => rfc9216('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem', 'CERTIFICATE');
const RSA_CA = () => rfc9216('Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem', 'CERTIFICATE');
const ED25519_CA_BY_RSA = () => rfc9216('Sample_LAMPS_Ed25519_Certification_Authority.crosssigned.pem', 'CERTIFICATE');
const AT = new Date('2030-01-01T00:00:00Z');

/** Path of the first KeyAgreeRecipientInfo below ContentInfo, and inside it (no ukm) the originator key, the scheme, the wrapped key. */
function kariPath(cms: Uint8Array): number[] {
  const index = nodeAt(cms, [1, 0, 1]).children.findIndex((info) => info.cls === 2 && info.tagNumber === 1);
  if (index < 0) throw new Error('no KeyAgreeRecipientInfo');
  return [1, 0, 1, index];
}
const ORIGINATOR_KEY = [1, 0, 1];
const SCHEME_OID = [2, 0];
const WRAPPED_KEY = [3, 0, 1];

const at = (cms: Uint8Array, inKari: readonly number[]) => [...kariPath(cms), ...inKari];
const contentsAt = (cms: Uint8Array, inKari: readonly number[]) => nodeAt(cms, at(cms, inKari)).contents;
const oidContents = (oid: string) => der.oid(oid).subarray(2);

/**
 * The same message with its KeyAgreeRecipientInfo re-keyed under HKDF-SHA-256 (RFC 8418 2.2), computed
 * here with node:crypto alone: X25519 with dana's key, the X9.63 KDF to recover the content key, HKDF
 * to wrap it again, AES key wrap.
 */
function rewrappedWithHkdf(cms: Uint8Array, dana: Identity): Uint8Array {
  if (dana.privateKey.type !== 'pkcs8') throw new Error('pkcs8 only');
  const ephemeral = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(contentsAt(cms, ORIGINATOR_KEY).subarray(1)).toString('base64url') }, format: 'jwk' });
  const z = diffieHellman({ privateKey: createPrivateKey({ key: Buffer.from(dana.privateKey.der), format: 'der', type: 'pkcs8' }), publicKey: ephemeral });
  const wrap = der.algorithmIdentifier(OID.aes256Wrap);
  const sharedInfo = eccCmsSharedInfo(wrap, null, 32);
  const x963 = Buffer.concat(
    [1].map((counter) =>
      createHash('sha256')
        .update(z)
        .update(Buffer.of(0, 0, 0, counter))
        .update(sharedInfo)
        .digest(),
    ),
  );
  const iv = Buffer.alloc(8, 0xa6);
  const unwrap = createDecipheriv('id-aes256-wrap', x963, iv);
  const cek = Buffer.concat([unwrap.update(contentsAt(cms, WRAPPED_KEY)), unwrap.final()]);
  const kek = Buffer.from(hkdfSync('sha256', z, Buffer.alloc(0), sharedInfo, 32));
  const rewrap = createCipheriv('id-aes256-wrap', kek, iv);
  const wrapped = Buffer.concat([rewrap.update(cek), rewrap.final()]);
  const withScheme = replaceAt(cms, at(cms, SCHEME_OID), der.oid(OID.dhSinglePassStdDHHkdfSha256Scheme));
  return replaceAt(withScheme, at(withScheme, WRAPPED_KEY), der.octetString(wrapped));
}

/** Adds the group order L to an Ed25519 signature's S: the same signature for a lenient verifier, S >= L for a strict one. */
function malleated(signature: Uint8Array): Uint8Array {
  const order = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');
  const out = new Uint8Array(signature);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = out[32 + i]! + order[i]! + carry;
    out[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

export function curve25519Tests(ctx: SuiteContext): void {
  const signs = () => ctx.backend.capabilities.signatureSchemes.includes('ed25519');
  const agrees = () => ctx.backend.capabilities.keyAgreement.includes('x25519');
  const from = 'carlos@smime.example';
  const to = 'dana@smime.example';
  const decryptAsDana = (cms: Uint8Array, gcm = true, identity: Identity = DANA()): Promise<DecryptReport> =>
    ctx.sp.decrypt(envelopedMessage({ from, to }, cms, gcm ? 'authEnveloped-data' : 'enveloped-data'), { identity });
  const sealedForDana = async (cipher: 'aes-256-gcm' | 'aes-128-cbc' = 'aes-256-gcm') => cmsOf(await ctx.sp.encrypt(textMessage({ from, to }), { recipients: [DANA().certificate], cipher }));

  describe('Ed25519 signatures (RFC 8419) with the RFC 9216 keys', () => {
    it('the LAMPS Ed25519 CA, carlos and dana chain by Ed25519 certificate signatures; the cross-signed CA by RSA', async () => {
      const check = (certificate: Uint8Array, issuer: Uint8Array) => ctx.backend.verifyCertificateSignature({ certificate, issuer });
      if (!signs()) {
        await expect(check(CARLOS().certificate, ED25519_CA())).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_UNSUPPORTED_/) });
        return;
      }
      expect(await check(ED25519_CA(), ED25519_CA())).toBe(true);
      expect(await check(CARLOS().certificate, ED25519_CA())).toBe(true);
      expect(await check(DANA().certificate, ED25519_CA())).toBe(true);
      expect(await check(ED25519_CA_BY_RSA(), RSA_CA())).toBe(true);
      expect(await check(rfc9216('Sample_LAMPS_RSA_Certification_Authority.crosssigned.pem', 'CERTIFICATE'), ED25519_CA())).toBe(true);
      expect(await check(CARLOS().certificate, RSA_CA())).toBe(false);
      expect(await check(CARLOS().certificate, DANA().certificate)).toBe(false);
    });

    for (const detached of [true, false]) {
      it(`carlos signs ${detached ? 'detached' : 'opaque'}: id-Ed25519 with SHA-512, valid under the Ed25519 CA and through the RSA CA`, async () => {
        if (!signs()) {
          await expect(ctx.sp.sign(textMessage({ from }), { signer: CARLOS(), detached })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
          return;
        }
        const signed = await ctx.sp.sign(textMessage({ from }), { signer: CARLOS(), detached });
        if (detached) expect(new TextDecoder().decode(signed)).toContain('micalg=sha-512');
        const report = await ctx.sp.verify(signed, { trustAnchors: [ED25519_CA()], verificationTime: AT });
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('valid');
        expect(report.signers[0]?.digest).toBe('sha-512');
        // The same signer through the Ed25519 CA's certificate issued by the RSA CA.
        const viaRsa = await ctx.sp.verify(signed, { trustAnchors: [RSA_CA()], certificates: [ED25519_CA_BY_RSA()], verificationTime: AT });
        expect([viaRsa.status, ...codes(viaRsa)]).toEqual(['valid']);
        expect((await ctx.sp.verify(signed, { trustAnchors: ctx.anchors, verificationTime: AT })).status).toBe('untrusted');
      });
    }

    it('refuses another digest than SHA-512, and an X25519 certificate as signer', async () => {
      await expect(ctx.sp.sign(textMessage({ from }), { signer: CARLOS(), digest: 'sha-256' })).rejects.toMatchObject({ code: signs() ? 'ERR_UNSUPPORTED_DIGEST' : 'ERR_UNSUPPORTED_KEY' });
      await expect(ctx.sp.sign(textMessage({ from: to }), { signer: DANA() })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    });

    it('a SignerInfo whose digest algorithm is not SHA-512 gets the same codes whatever digests the backend computes (SHA-224 on openssl only)', async () => {
      // Found by the differential fuzzer: pkijs and forge, which have no SHA-224, answered ERR_UNSUPPORTED_DIGEST besides.
      if (!signs()) return;
      const cms = cmsOf(await ctx.sp.sign(textMessage({ from }), { signer: CARLOS(), detached: false }));
      const digestAlgorithm = [1, 0, nodeAt(cms, [1, 0]).children.length - 1, 0, 2];
      for (const digest of [OID.sha224, OID.sha256]) {
        const report = await ctx.sp.verify(opaqueSignedMessage({ from }, replaceAt(cms, digestAlgorithm, der.algorithmIdentifier(digest))), { trustAnchors: [ED25519_CA()], verificationTime: AT });
        expect([report.status, ...new Set(codes(report))].sort()).toEqual(['ERR_DIGEST_MISMATCH', 'ERR_SIGNATURE_INVALID', 'invalid']);
      }
    });

    it('a signature with S + L (accepted by lenient verifiers) and a flipped bit are invalid', async () => {
      if (!signs()) return;
      const cms = cmsOf(await ctx.sp.sign(textMessage({ from }), { signer: CARLOS(), detached: false }));
      const signerInfo = [1, 0, nodeAt(cms, [1, 0]).children.length - 1, 0];
      const signaturePath = [...signerInfo, nodeAt(cms, signerInfo).children.length - 1];
      const signature = nodeAt(cms, signaturePath).contents;
      for (const bad of [malleated(signature), signature.map((b, i) => (i === 40 ? b ^ 1 : b))]) {
        const report = await ctx.sp.verify(opaqueSignedMessage({ from }, replaceAt(cms, signaturePath, der.octetString(bad))), { trustAnchors: [ED25519_CA()], verificationTime: AT });
        expect(report.status).toBe('invalid');
        expect(report.signers[0]?.signatureValid).toBe(false);
      }
    });
  });

  describe('X25519 key agreement (RFC 8418) with the RFC 9216 keys', () => {
    for (const cipher of ['aes-256-gcm', 'aes-128-cbc'] as const) {
      it(`dana decrypts what is encrypted to her X25519 certificate: ${cipher}, dhSinglePass-stdDH-sha256kdf-scheme`, async () => {
        if (!agrees()) {
          await expect(ctx.sp.encrypt(textMessage({ from, to }), { recipients: [DANA().certificate], cipher })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
          return;
        }
        const cms = await sealedForDana(cipher);
        expect(Buffer.from(contentsAt(cms, SCHEME_OID))).toEqual(Buffer.from(oidContents(OID.dhSinglePassStdDHSha256kdfScheme)));
        expect(nodeAt(cms, at(cms, [1, 0, 0, 0])).contents).toEqual(oidContents(OID.x25519));
        const report = await decryptAsDana(cms, cipher.endsWith('gcm'));
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('decrypted');
        expect(report.keyAgreement).toBe('x25519');
        expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
      });
    }

    it('reads HKDF-SHA-256 (RFC 8418 2.2) as node:crypto computes it', async () => {
      if (!agrees()) return;
      const report = await decryptAsDana(rewrappedWithHkdf(await sealedForDana(), DANA()));
      expect([report.status, ...codes(report)]).toEqual(['decrypted']);
    });

    it('one message to an X25519 and an RSA recipient decrypts for both; carlos signs, then encrypts to dana', async () => {
      if (!agrees() || !signs()) return;
      const bob = ctx.pki.identities.bob;
      const cms = cmsOf(await ctx.sp.encrypt(textMessage({ from, to }), { recipients: [DANA().certificate, bob.cert], cipher: 'aes-256-gcm' }));
      expect((await decryptAsDana(cms)).status).toBe('decrypted');
      expect((await decryptAsDana(cms, true, { certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.keyDer } })).status).toBe('decrypted');
      const sealed = await ctx.sp.signAndEncrypt(textMessage({ from, to }), { signer: CARLOS(), recipients: [DANA().certificate] });
      const opened = await ctx.sp.open(sealed, { identities: [DANA()], trustAnchors: [ED25519_CA()], verificationTime: AT });
      expect(opened.errors).toEqual([]);
      expect(opened.status).toBe('valid');
    });

    it('send from an Ed25519 identity: the sent copy goes to its X25519 certificate (selfCertificate), and without one nothing is sent', async () => {
      if (!agrees() || !signs()) return;
      const sent: SendRequest[] = [];
      const transport = {
        name: 'recording',
        async send(request: SendRequest) {
          sent.push(request);
          return { transport: 'recording', recipients: request.envelope.to.map((address) => ({ address, status: 'accepted' as const })) };
        },
      };
      const keystore = {
        get: async (address: string) =>
          address === to ? { address, certificate: DANA().certificate, chain: [], smimeCapabilities: [], fingerprint: '', notBefore: new Date(0), notAfter: new Date(0) } : null,
      } as unknown as KeyStore;
      const carlosEnc = rfc9216('carlos@smime.example.enc.pem', 'CERTIFICATE');
      const withoutSelf = createSealpost({ backend: ctx.backend, transport, keystore, identity: CARLOS() });
      await expect(withoutSelf.send(textMessage({ from, to }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(sent).toEqual([]);

      const sender = createSealpost({ backend: ctx.backend, transport, keystore, identity: CARLOS(), selfCertificate: carlosEnc });
      const report = await sender.send(textMessage({ from, to }));
      expect(report.recipients.map((r) => [r.address, r.status, r.encrypted])).toEqual([[to, 'accepted', true]]);
      const cms = cmsOf(sent[0]!.message);
      const summary = inspectCms(cms);
      expect(summary.type === 'auth-enveloped-data' || summary.type === 'enveloped-data' ? summary.recipients.map((r) => r.kind) : []).toEqual(['kari', 'kari']);
      const opened = await ctx.sp.open(sent[0]!.message, { identities: [DANA()], trustAnchors: [ED25519_CA()], verificationTime: AT });
      expect(opened.status).toBe('valid');
    });

    it('the same codes everywhere: unsupported schemes, malformed and small-order sender keys, a wrong key, a tampered wrapped key', async () => {
      if (!agrees()) return;
      const cms = await sealedForDana();
      const scheme = (oid: string) => replaceAt(cms, at(cms, SCHEME_OID), der.oid(oid));
      const originator = (key: Uint8Array) => replaceAt(cms, at(cms, ORIGINATOR_KEY), der.bitString(key));
      const refused = async (message: Uint8Array, code: string, identity?: Identity) => {
        const report = await decryptAsDana(message, true, identity);
        expect([report.status, ...codes(report)]).toEqual(['failed', code]);
        expect(report.content).toBeUndefined();
      };
      await refused(scheme(OID.dhSinglePassStdDHSha1kdfScheme), 'ERR_UNSUPPORTED_KEY_AGREEMENT');
      await refused(scheme(OID.dhSinglePassCofactorDHSha256kdfScheme), 'ERR_UNSUPPORTED_KEY_AGREEMENT');
      await refused(originator(new Uint8Array(31)), 'ERR_CMS_MALFORMED');
      // u = 0 and u = 1, points of small order: the shared secret is all zeros whatever the key.
      await refused(originator(new Uint8Array(32)), 'ERR_DECRYPTION_FAILED');
      await refused(originator(Uint8Array.of(1, ...new Uint8Array(31))), 'ERR_DECRYPTION_FAILED');
      // Another X25519 sender key: a wrong shared secret, so the unwrap fails.
      await refused(
        originator(
          contentsAt(cms, ORIGINATOR_KEY)
            .subarray(1)
            .map((b, i) => (i === 5 ? b ^ 0x10 : b)),
        ),
        'ERR_DECRYPTION_FAILED',
      );
      await refused(replaceAt(cms, at(cms, WRAPPED_KEY), der.octetString(contentsAt(cms, WRAPPED_KEY).map((b, i) => (i === 3 ? b ^ 1 : b)))), 'ERR_DECRYPTION_FAILED');
      await refused(cms, 'ERR_UNSUPPORTED_KEY', { certificate: DANA().certificate, privateKey: CARLOS().privateKey });
    });
  });
}
