import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Identity, type MlDsaParameterSet, type MlKemParameterSet, der, readPrivateKey } from '@sealpost/core';
import { OID } from '@sealpost/core/backend-kit';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { pemBlocksToDer, vectorsDir } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAt, replaceAt } from './ber-edit.js';
import { type SuiteContext, codes } from './context.js';
import { opaqueSignedMessage, textMessage } from './messages.js';
import { cmsOf } from './tamper.js';

/**
 * ML-KEM (KEMRecipientInfo, RFC 9629 and RFC 9936) and ML-DSA (RFC 9882), experimental: the RFCs' own
 * examples (made by other implementations) decrypt and verify, test identities round-trip, and every broken
 * or unsupported input gets the same code on every backend. A backend that claims neither refuses each
 * with its typed error.
 */

const vector = (folder: string, name: string, label: string): Uint8Array => pemBlocksToDer(readFileSync(join(vectorsDir(), folder, name), 'utf8'), label)[0]!;
const rfc9936 = (name: string, label: string) => vector('rfc9936', name, label);
const rfc9882 = (name: string, label: string) => vector('rfc9882', name, label);
const keyFile = (folder: string, name: string) => readPrivateKey(readFileSync(join(vectorsDir(), folder, name)));

const ML_DSA_SETS = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const satisfies readonly MlDsaParameterSet[];
const ML_KEM_SETS = ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const satisfies readonly MlKemParameterSet[];
const KEM_OIDS: Readonly<Record<MlKemParameterSet, string>> = { 'ml-kem-512': OID.mlKem512, 'ml-kem-768': OID.mlKem768, 'ml-kem-1024': OID.mlKem1024 };

/** Inside ContentInfo: the (Auth)EnvelopedData's first RecipientInfo, an ori [4] holding { oriType, KEMRecipientInfo }. */
const KEMRI = [1, 0, 1, 0, 1];
const KEM = [...KEMRI, 2];
const KEMCT = [...KEMRI, 3];
const KDF = [...KEMRI, 4];
const KEK_LENGTH = [...KEMRI, 5];
const WRAP = [...KEMRI, 6];

const oidContents = (oid: string) => der.oid(oid).subarray(2);

export function postQuantumTests(ctx: SuiteContext): void {
  const kem = (set: MlKemParameterSet) => (ctx.backend.capabilities.kem ?? []).includes(set);
  const dsa = (set: MlDsaParameterSet) => ctx.backend.capabilities.signatureSchemes.includes(set);
  const from = 'alice@example.com';
  const to = 'bob@example.com';
  const decryptCms = (cms: Uint8Array, identity: Identity) => ctx.backend.decrypt({ cms, certificate: identity.certificate, privateKey: identity.privateKey });
  const failureCode = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'decrypted',
      (error: { code?: string }) => error.code,
    );

  describe('post-quantum: ML-KEM (RFC 9936) and ML-DSA (RFC 9882), experimental', () => {
    const ids = {} as {
      ca: Awaited<ReturnType<typeof generateTestCa>>;
      signers: Record<MlDsaParameterSet, Identity>;
      recipients: Record<MlKemParameterSet, Identity>;
      otherRecipient: Identity;
    };
    const asIdentity = (id: { certificate: Uint8Array; privateKey: { type: 'pkcs8'; der: Uint8Array } }): Identity => ({ certificate: id.certificate, privateKey: id.privateKey });
    beforeAll(async () => {
      ids.ca = await generateTestCa({ keyType: 'ml-dsa-65', commonName: 'Sealpost PQ Test CA' });
      const signers = {} as Record<MlDsaParameterSet, Identity>;
      for (const set of ML_DSA_SETS) signers[set] = asIdentity(await generateTestIdentity({ email: from, keyType: set, ca: ids.ca }));
      const recipients = {} as Record<MlKemParameterSet, Identity>;
      for (const set of ML_KEM_SETS) recipients[set] = asIdentity(await generateTestIdentity({ email: to, keyType: set, ca: ids.ca }));
      ids.signers = signers;
      ids.recipients = recipients;
      ids.otherRecipient = asIdentity(await generateTestIdentity({ email: to, keyType: 'ml-kem-768', ca: ids.ca }));
    });

    describe('RFC 9936 appendix B: AuthEnvelopedData with a KEMRecipientInfo to an ML-KEM-512 key', () => {
      const cms = () => rfc9936('ML-KEM-512.cms', 'CMS');
      const certificate = () => rfc9936('ML-KEM-512.pem', 'CERTIFICATE');
      for (const form of ['seed', 'expanded', 'both'] as const) {
        it(`decrypts to "Hello, world!" with the ${form} private key form (RFC 9935)`, async () => {
          const privateKey = await keyFile('rfc9936', `ML-KEM-512-${form}.priv`);
          if (!kem('ml-kem-512')) {
            expect(await failureCode(decryptCms(cms(), { certificate: certificate(), privateKey }))).toBe('ERR_UNSUPPORTED_KEM');
            return;
          }
          const { content } = await decryptCms(cms(), { certificate: certificate(), privateKey });
          expect(new TextDecoder().decode(content)).toBe(readFileSync(join(vectorsDir(), 'rfc9936', 'plaintext.txt'), 'utf8'));
        });
      }

      it('a tampered kemct, a shortened kemct and a tampered wrapped key are the one decryption failure', async () => {
        if (!kem('ml-kem-512')) return;
        const privateKey = await keyFile('rfc9936', 'ML-KEM-512-seed.priv');
        const kemct = nodeAt(cms(), KEMCT).contents;
        const flipped = Uint8Array.from(kemct);
        flipped[100]! ^= 0x01;
        const variants = [replaceAt(cms(), KEMCT, der.octetString(flipped)), replaceAt(cms(), KEMCT, der.octetString(kemct.subarray(1)))];
        const wrapped = Uint8Array.from(nodeAt(cms(), [...KEMRI, 7]).contents);
        wrapped[3]! ^= 0x80;
        variants.push(replaceAt(cms(), [...KEMRI, 7], der.octetString(wrapped)));
        for (const variant of variants) expect(await failureCode(decryptCms(variant, { certificate: certificate(), privateKey }))).toBe('ERR_DECRYPTION_FAILED');
      });

      it('refuses an unknown KEM or KDF (ERR_UNSUPPORTED_KEM), and another parameter set or a kekLength that is not the wrap size (ERR_CMS_MALFORMED)', async () => {
        const privateKey = await keyFile('rfc9936', 'ML-KEM-512-seed.priv');
        const identity = { certificate: certificate(), privateKey };
        const withOid = (path: readonly number[], oid: string) => replaceAt(cms(), [...path, 0], der.oid(oid));
        const expected = (code: string) => (kem('ml-kem-512') ? code : 'ERR_UNSUPPORTED_KEM');
        // An arc under NIST's kems that names no parameter set, as a future KEM would.
        expect(await failureCode(decryptCms(withOid(KEM, '2.16.840.1.101.3.4.4.99'), identity))).toBe(expected('ERR_UNSUPPORTED_KEM'));
        expect(await failureCode(decryptCms(withOid(KDF, '1.2.840.113549.1.9.16.3.99'), identity))).toBe(expected('ERR_UNSUPPORTED_KEM'));
        expect(await failureCode(decryptCms(withOid(WRAP, OID.cms3DESwrap), identity))).toBe(expected('ERR_UNSUPPORTED_KEM'));
        expect(await failureCode(decryptCms(withOid(KEM, OID.mlKem768), identity))).toBe(expected('ERR_CMS_MALFORMED'));
        expect(await failureCode(decryptCms(replaceAt(cms(), KEK_LENGTH, der.integer(32)), identity))).toBe(expected('ERR_CMS_MALFORMED'));
      });

      it('the ML-KEM-512 certificate is signed by the example ML-DSA-65 root', async () => {
        const check = ctx.backend.verifyCertificateSignature({ certificate: certificate(), issuer: rfc9936('mldsa65RootCA.pem', 'CERTIFICATE') });
        if (!dsa('ml-dsa-65')) await expect(check).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SIGNATURE' });
        else expect(await check).toBe(true);
      });
    });

    describe('RFC 9882 appendix A: SignedData with ML-DSA signers (certificates from RFC 9881)', () => {
      for (const n of [44, 65, 87] as const) {
        const set = `ml-dsa-${n}` as const;
        it(`${set}: the signature over the signed attributes verifies and the self-signed certificate checks; a flipped bit does not`, async () => {
          const cms = rfc9882(`mldsa${n}-signed-attrs.pem`, 'CMS');
          const certificate = rfc9882(`ML-DSA-${n}.crt`, 'CERTIFICATE');
          const [check] = await ctx.backend.verify({ cms, certificates: [certificate] });
          if (!dsa(set)) {
            expect(check?.error?.code).toBe('ERR_UNSUPPORTED_SIGNATURE');
            return;
          }
          expect(check).toMatchObject({ signatureValid: true, messageDigestValid: true, error: null });
          expect(await ctx.backend.verifyCertificateSignature({ certificate, issuer: certificate })).toBe(true);
          const signaturePath = [1, 0, 3, 0, 5];
          const signature = Uint8Array.from(nodeAt(cms, signaturePath).contents);
          signature[10]! ^= 0x04;
          const [broken] = await ctx.backend.verify({ cms: replaceAt(cms, signaturePath, der.octetString(signature)), certificates: [certificate] });
          expect(broken).toMatchObject({ signatureValid: false, messageDigestValid: true, error: null });
        });
      }
    });

    describe('round trips with test identities under an ML-DSA-65 test CA', () => {
      for (const set of ML_DSA_SETS) {
        it(`${set} signs (SHA-512, id-${set.replace('ml-dsa', 'ml-dsa')}, no parameters); the message verifies as valid under the CA`, async () => {
          const message = textMessage({ from });
          if (!dsa(set)) {
            await expect(ctx.sp.sign(message, { signer: ids.signers[set] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
            return;
          }
          const signed = await ctx.sp.sign(message, { signer: ids.signers[set] });
          expect(new TextDecoder().decode(signed)).toContain('micalg=sha-512');
          const report = await ctx.sp.verify(signed, { trustAnchors: [ids.ca.certificate] });
          expect(report.errors).toEqual([]);
          expect(report.status).toBe('valid');
          expect(report.signers[0]?.digest).toBe('sha-512');
          expect((await ctx.sp.verify(signed, { trustAnchors: ctx.anchors })).status).toBe('untrusted');
        });
      }

      it('refuses a digest too weak for the parameter set, an ML-KEM certificate as signer, and a key of another parameter set', async () => {
        if (!dsa('ml-dsa-65')) return;
        const message = textMessage({ from });
        await expect(ctx.sp.sign(message, { signer: ids.signers['ml-dsa-65'], digest: 'sha-256' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
        await expect(ctx.sp.sign(message, { signer: ids.recipients['ml-kem-768'] })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
        const mixed = { certificate: ids.signers['ml-dsa-65'].certificate, privateKey: ids.signers['ml-dsa-44'].privateKey };
        await expect(ctx.sp.sign(message, { signer: mixed })).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
        const sameSet = { certificate: ids.signers['ml-dsa-65'].certificate, privateKey: (await generateTestIdentity({ email: from, keyType: 'ml-dsa-65', ca: ids.ca })).privateKey };
        await expect(ctx.sp.sign(message, { signer: sameSet })).rejects.toMatchObject({ code: 'ERR_KEY_MISMATCH' });
      });

      it('a digest too weak for ML-DSA-87 is ERR_WEAK_DIGEST whatever digests the backend computes (SHA-224 on openssl only)', async () => {
        // Found by the differential fuzzer: pkijs and forge, which have no SHA-224, answered ERR_UNSUPPORTED_DIGEST instead.
        if (!dsa('ml-dsa-87')) return;
        const cms = cmsOf(await ctx.sp.sign(textMessage({ from }), { signer: ids.signers['ml-dsa-87'], detached: false }));
        const digestAlgorithm = [1, 0, nodeAt(cms, [1, 0]).children.length - 1, 0, 2];
        for (const digest of [OID.sha224, OID.sha256]) {
          const report = await ctx.sp.verify(opaqueSignedMessage({ from }, replaceAt(cms, digestAlgorithm, der.algorithmIdentifier(digest))), { trustAnchors: [ids.ca.certificate] });
          expect([report.status, ...new Set(codes(report))].sort()).toEqual(['ERR_DIGEST_MISMATCH', 'ERR_SIGNATURE_INVALID', 'ERR_WEAK_DIGEST', 'invalid']);
        }
      });

      it('an ML-DSA-44 signature under SHA-256 verifies; the same signer claiming ML-DSA-65 is invalid', async () => {
        if (!dsa('ml-dsa-44')) return;
        const signed = await ctx.sp.sign(textMessage({ from }), { signer: ids.signers['ml-dsa-44'], digest: 'sha-256', detached: false });
        expect((await ctx.sp.verify(signed, { trustAnchors: [ids.ca.certificate] })).status).toBe('valid');
        const cms = cmsOf(signed);
        // signerInfos is SignedData's last field (after the [0] certificates here); signatureAlgorithm its fifth.
        const signerInfos = nodeAt(cms, [1, 0]).children.length - 1;
        const algorithmPath = [1, 0, signerInfos, 0, 4, 0];
        const relabelled = replaceAt(cms, algorithmPath, der.oid(OID.mlDsa65));
        const report = await ctx.sp.verify(opaqueSignedMessage({ from }, relabelled), { trustAnchors: [ids.ca.certificate] });
        expect(report.status).toBe('invalid');
        expect(codes(report)).toContain('ERR_SIGNATURE_INVALID');
      });

      for (const set of ML_KEM_SETS) {
        for (const cipher of ['aes-256-gcm', 'aes-128-cbc'] as const) {
          it(`encrypts to ${set} with ${cipher}: ori id-ori-kem, HKDF-SHA256, the RFC 9936 wrap; decrypts`, async () => {
            const recipient = ids.recipients[set];
            const encrypt = ctx.backend.encrypt({ content: textMessage({ from, to }), recipients: [{ certificate: recipient.certificate }], cipher, keyTransport: 'rsa-oaep' });
            if (!kem(set)) {
              await expect(encrypt).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEM' });
              return;
            }
            const cms = await encrypt;
            expect(nodeAt(cms, [1, 0, 1, 0, 0]).contents).toEqual(oidContents(OID.oriKem));
            expect(nodeAt(cms, [...KEM, 0]).contents).toEqual(oidContents(KEM_OIDS[set]));
            expect(nodeAt(cms, [...KDF, 0]).contents).toEqual(oidContents(OID.hkdfWithSha256));
            // RFC 9936 3: AES-128 wrap for ML-KEM-512 (here the content key is 16 octets), AES-256 wrap otherwise.
            const wrap = set === 'ml-kem-512' && cipher === 'aes-128-cbc' ? OID.aes128Wrap : OID.aes256Wrap;
            expect(nodeAt(cms, [...WRAP, 0]).contents).toEqual(oidContents(wrap));
            if (cipher === 'aes-128-cbc') expect(nodeAt(cms, [1, 0, 0]).contents).toEqual(Uint8Array.of(3));
            const { content } = await decryptCms(cms, recipient);
            expect(new TextDecoder().decode(content)).toContain('the contract is attached.');
          });
        }
      }

      it('another ML-KEM key with the right certificate fails generically; another certificate is no recipient', async () => {
        if (!kem('ml-kem-768')) return;
        const recipient = ids.recipients['ml-kem-768'];
        const cms = await ctx.backend.encrypt({ content: textMessage({ from, to }), recipients: [{ certificate: recipient.certificate }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
        expect(await failureCode(decryptCms(cms, { certificate: recipient.certificate, privateKey: ids.otherRecipient.privateKey }))).toBe('ERR_DECRYPTION_FAILED');
        expect(await failureCode(decryptCms(cms, ids.otherRecipient))).toBe('ERR_NO_RECIPIENT');
        expect(await failureCode(decryptCms(cms, { certificate: recipient.certificate, privateKey: ids.recipients['ml-kem-512'].privateKey }))).toBe('ERR_UNSUPPORTED_KEY');
      });

      it('one message to an ML-KEM and an RSA recipient decrypts for both; ML-DSA signs, then encrypts to ML-KEM', async () => {
        if (!kem('ml-kem-768') || !dsa('ml-dsa-65')) return;
        const bob = ctx.pki.identities.bob;
        const recipient = ids.recipients['ml-kem-768'];
        const cms = cmsOf(await ctx.sp.encrypt(textMessage({ from, to }), { recipients: [recipient.certificate, bob.cert], cipher: 'aes-256-gcm' }));
        expect(new TextDecoder().decode((await decryptCms(cms, recipient)).content)).toContain('the contract is attached.');
        expect(new TextDecoder().decode((await decryptCms(cms, { certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.keyDer } })).content)).toContain('the contract is attached.');
        const sealed = await ctx.sp.signAndEncrypt(textMessage({ from, to }), { signer: ids.signers['ml-dsa-65'], recipients: [recipient.certificate] });
        const opened = await ctx.sp.open(sealed, { identities: [recipient], trustAnchors: [ids.ca.certificate] });
        expect(opened.errors).toEqual([]);
        expect(opened.status).toBe('valid');
        expect(opened.layers[0]).toMatchObject({ type: 'enveloped', status: 'decrypted', kem: 'ml-kem-768' });
        expect(opened.layers[0]).not.toHaveProperty('keyTransport');
      });
    });
  });
}
