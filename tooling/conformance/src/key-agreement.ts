import { join } from 'node:path';
import { type DecryptReport, type DigestAlgorithm, type KeyAgreement, der } from '@sealpost/core';
import { OID, keyAgreementOf, readEnvelope } from '@sealpost/core/backend-kit';
import { generateTestIdentity } from '@sealpost/core/testing';
import { type EcdhKdfChoice, type TestIdentity, opensslDecryptDer, opensslEncryptDer, runProcess, withTempDir } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAt, replaceAt } from './ber-edit.js';
import { type SuiteContext, codes, identityOf } from './context.js';
import { envelopedMessage, textMessage } from './messages.js';
import { cmsOf } from './tamper.js';

const EC_RECIPIENTS = [
  { name: 'carol', curve: 'P-256', agreement: 'ecdh-p256', kdf: 'sha256', hash: 'sha-256' },
  { name: 'olivia', curve: 'P-384', agreement: 'ecdh-p384', kdf: 'sha384', hash: 'sha-384' },
  { name: 'peggy', curve: 'P-521', agreement: 'ecdh-p521', kdf: 'sha512', hash: 'sha-512' },
] as const satisfies readonly { name: string; curve: string; agreement: KeyAgreement; kdf: EcdhKdfChoice; hash: DigestAlgorithm }[];

const KEY_LENGTH = { 'aes-128-cbc': 16, 'aes-256-gcm': 32, 'aes-192-gcm': 24 } as const;

const BODY = 'Agreed on a curve.\r\n';

/** Path of the first KeyAgreeRecipientInfo below ContentInfo: [1, 0] is the envelope, [1, 0, 1] its recipientInfos. */
function kariPath(cms: Uint8Array): number[] {
  const index = nodeAt(cms, [1, 0, 1]).children.findIndex((info) => info.cls === 2 && info.tagNumber === 1);
  if (index < 0) throw new Error('no KeyAgreeRecipientInfo');
  return [1, 0, 1, index];
}

/** Paths inside a kari without ukm: [1, 0] the originatorKey's fields, [2] the scheme, [3, 0, 1] the first encryptedKey. */
const ORIGINATOR_POINT = [1, 0, 1];
const SCHEME = [2];
const WRAPPED_KEY = [3, 0, 1];

function edited(cms: Uint8Array, inKari: readonly number[], replacement: (contents: Uint8Array) => Uint8Array): Uint8Array {
  const path = [...kariPath(cms), ...inKari];
  return replaceAt(cms, path, replacement(nodeAt(cms, path).contents));
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at]! ^= 0x01;
  return copy;
}

/**
 * ECDH key agreement (RFC 5753): round trips on every NIST curve the backend claims, messages made by
 * `openssl cms` in both directions, and the same refusal code on every backend for every broken or
 * unsupported input; a backend that claims no curve refuses each with ERR_UNSUPPORTED_KEY_AGREEMENT.
 */
export function keyAgreementTests(ctx: SuiteContext): void {
  const claims = (agreement: KeyAgreement) => ctx.backend.capabilities.keyAgreement.includes(agreement);
  const decryptAs = (who: TestIdentity, cms: Uint8Array, gcm: boolean, privateKey?: Uint8Array): Promise<DecryptReport> =>
    ctx.sp.decrypt(envelopedMessage({ from: 'alice@example.com', to: who.email }, cms, gcm ? 'authEnveloped-data' : 'enveloped-data'), {
      identity: { certificate: who.cert, privateKey: { type: 'pkcs8', der: privateKey ?? who.keyDer } },
    });
  const expectRefused = (report: DecryptReport, code: string) => {
    expect(report.status).toBe('failed');
    expect(report.content).toBeUndefined();
    expect(codes(report)).toEqual([code]);
  };

  describe('key agreement (ECDH, RFC 5753)', () => {
    for (const { name, curve, agreement, kdf, hash } of EC_RECIPIENTS) {
      for (const cipher of ['aes-128-cbc', 'aes-256-gcm', 'aes-192-gcm'] as const) {
        it(`${curve} (${name}) with ${cipher}: round trip next to an RSA recipient, the curve's KDF hash, and openssl cms decrypts it`, async () => {
          const { [name]: ec, bob } = ctx.pki.identities;
          const message = textMessage({ from: 'alice@example.com', to: ec.email }, BODY);
          const encrypting = ctx.sp.encrypt(message, { recipients: [ec.cert, bob.cert], cipher });
          if (!ctx.backend.capabilities.contentCiphers.includes(cipher)) return expect(encrypting).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
          if (!claims(agreement)) return expect(encrypting).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
          const encrypted = await encrypting;
          // Every backend writes the same scheme: RFC 5753 section 8's hash for the curve, AES key wrap as long as the content key.
          const kari = readEnvelope(cmsOf(encrypted)).recipients.find((r) => r.kind === 'kari');
          if (kari?.kind !== 'kari') throw new Error('no KeyAgreeRecipientInfo');
          expect(keyAgreementOf(kari.keyEncryptionAlgorithm)).toMatchObject({ hash, kekLength: KEY_LENGTH[cipher] });
          for (const who of [ec, bob]) {
            const report = await ctx.sp.decrypt(encrypted, { identity: identityOf(who) });
            expect(report.errors).toEqual([]);
            expect(report.status).toBe('decrypted');
            expect(report.cipher).toBe(cipher);
            // The report names how the content key reached this recipient, and only that.
            if (who === ec) expect([report.keyAgreement, report.keyTransport]).toEqual([agreement, undefined]);
            else expect([report.keyAgreement, report.keyTransport]).toEqual([undefined, 'rsa-pkcs1']);
            expect(new TextDecoder().decode(report.content)).toContain(BODY);
          }
          const peer = await opensslDecryptDer({ cms: cmsOf(encrypted), certPath: ec.certPath, keyPath: ec.keyPath });
          expect(peer.ok).toBe(true);
          expect(new TextDecoder().decode(peer.content ?? new Uint8Array(0))).toContain(BODY);
        });
      }

      for (const kdfChoice of [undefined, kdf] as const) {
        it(`${curve} (${name}): decrypts what openssl cms writes (${kdfChoice === undefined ? 'its default SHA-1 KDF' : `${kdfChoice} KDF`})`, async () => {
          const ec = ctx.pki.identities[name];
          const content = textMessage({ from: 'alice@example.com', to: ec.email }, BODY);
          const cms = await opensslEncryptDer({ content, recipientCertPaths: [ec.certPath], cipher: 'aes-256-gcm', ...(kdfChoice === undefined ? {} : { ecdhKdf: kdfChoice }) });
          const report = await decryptAs(ec, cms, true);
          if (!claims(agreement)) return expectRefused(report, 'ERR_UNSUPPORTED_KEY_AGREEMENT');
          expect(report.errors).toEqual([]);
          expect(report.status).toBe('decrypted');
          expect(new TextDecoder().decode(report.content)).toContain(BODY);
        });
      }
    }

    describe('refusals: the same code whichever backend runs', () => {
      let made: Uint8Array;
      const carol = () => ctx.pki.identities.carol;
      const failed = () => (claims('ecdh-p256') ? 'ERR_DECRYPTION_FAILED' : 'ERR_UNSUPPORTED_KEY_AGREEMENT');
      beforeAll(async () => {
        made = await opensslEncryptDer({
          content: textMessage({ from: 'alice@example.com', to: 'carol@example.com' }, BODY),
          recipientCertPaths: [ctx.pki.identities.carol.certPath],
          cipher: 'aes-128-cbc',
          ecdhKdf: 'sha256',
        });
      });

      it('control: the untampered message decrypts when P-256 is claimed', async () => {
        const report = await decryptAs(carol(), made, false);
        if (!claims('ecdh-p256')) return expectRefused(report, 'ERR_UNSUPPORTED_KEY_AGREEMENT');
        expect(report.status).toBe('decrypted');
      });

      it('a wrong key on the right curve: the generic decryption failure', async () => {
        const stranger = await generateTestIdentity({ email: 'stranger@example.com', keyType: 'ec-p256' });
        expectRefused(await decryptAs(carol(), made, false, stranger.privateKey.der), failed());
      });

      // Found by the differential fuzzer: the GCM tag length was checked only on the engine's own path,
      // so a backend handing ECDH mail to `openssl cms` whole accepted a tag cut to 4 or 12 octets.
      for (const keep of [4, 12, 15]) {
        it(`AuthEnvelopedData whose GCM tag is cut to ${keep} octets: the generic decryption failure`, async () => {
          const sealed = await opensslEncryptDer({
            content: textMessage({ from: 'alice@example.com', to: 'carol@example.com' }, BODY),
            recipientCertPaths: [carol().certPath],
            cipher: 'aes-256-gcm',
            ecdhKdf: 'sha256',
          });
          const macPath = [1, 0, nodeAt(sealed, [1, 0]).children.length - 1];
          const cut = replaceAt(sealed, macPath, der.octetString(nodeAt(sealed, macPath).contents.subarray(0, keep)));
          expect((await decryptAs(carol(), sealed, true)).status).toBe(claims('ecdh-p256') ? 'decrypted' : 'failed');
          expectRefused(await decryptAs(carol(), cut, true), failed());
        });
      }

      // Found by the differential fuzzer: a backend that gave ECDH mail to `openssl cms` whole refused
      // it for a broken field the engine never reads, in a RecipientInfo addressed to someone else.
      it("another recipient's broken issuer name does not stop the EC recipient", async () => {
        const { alice } = ctx.pki.identities;
        const sealed = await opensslEncryptDer({
          content: textMessage({ from: 'alice@example.com', to: 'carol@example.com' }, BODY),
          recipientCertPaths: [carol().certPath, alice.certPath],
          cipher: 'aes-128-cbc',
        });
        const ktri = nodeAt(sealed, [1, 0, 1]).children.findIndex((info) => info.cls === 0 && info.tagNumber === 16);
        // KeyTransRecipientInfo > issuerAndSerialNumber > issuer > its first RDN, made an OCTET STRING.
        const broken = replaceAt(sealed, [1, 0, 1, ktri, 1, 0, 0], der.octetString(Uint8Array.of(1, 2, 3)));
        const report = await decryptAs(carol(), broken, false);
        if (!claims('ecdh-p256')) return expectRefused(report, 'ERR_UNSUPPORTED_KEY_AGREEMENT');
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('decrypted');
        expect(new TextDecoder().decode(report.content)).toContain(BODY);
      });

      it('a tampered wrapped key: the generic decryption failure', async () => {
        expectRefused(
          await decryptAs(
            carol(),
            edited(made, WRAPPED_KEY, (key) => der.octetString(flipped(key, 5))),
            false,
          ),
          failed(),
        );
      });

      it('a wrapped key of the wrong length: the generic decryption failure', async () => {
        expectRefused(
          await decryptAs(
            carol(),
            edited(made, WRAPPED_KEY, (key) => der.octetString(key.subarray(0, key.length - 8))),
            false,
          ),
          failed(),
        );
      });

      it('a sender key that is not on the curve: the generic decryption failure', async () => {
        const offCurve = (bits: Uint8Array) => der.bitString(flipped(bits.subarray(1), bits.length - 2));
        expectRefused(await decryptAs(carol(), edited(made, ORIGINATOR_POINT, offCurve), false), failed());
      });

      it('a compressed sender key, a SHA-224 KDF, a 3DES key wrap: ERR_UNSUPPORTED_KEY_AGREEMENT', async () => {
        const compressed = (bits: Uint8Array) => der.bitString(Uint8Array.of(2 + ((bits[bits.length - 1] ?? 0) & 1), ...bits.subarray(2, 34)));
        const scheme = (oid: string, wrap: Uint8Array) => () => der.algorithmIdentifier(oid, wrap);
        for (const input of [
          edited(made, ORIGINATOR_POINT, compressed),
          edited(made, SCHEME, scheme(OID.dhSinglePassStdDHSha224kdfScheme, der.algorithmIdentifier(OID.aes128Wrap))),
          edited(made, SCHEME, scheme(OID.dhSinglePassStdDHSha256kdfScheme, der.algorithmIdentifier(OID.cms3DESwrap, der.nullValue()))),
        ]) {
          expectRefused(await decryptAs(carol(), input, false), 'ERR_UNSUPPORTED_KEY_AGREEMENT');
        }
      });

      it('a scheme without its key-wrap algorithm: ERR_CMS_MALFORMED, or unsupported before it is read', async () => {
        const report = await decryptAs(
          carol(),
          edited(made, SCHEME, () => der.algorithmIdentifier(OID.dhSinglePassStdDHSha256kdfScheme)),
          false,
        );
        expectRefused(report, claims('ecdh-p256') ? 'ERR_CMS_MALFORMED' : 'ERR_UNSUPPORTED_KEY_AGREEMENT');
      });

      it("an RSA key or a key on another curve with carol's certificate: ERR_UNSUPPORTED_KEY", async () => {
        const { bob, olivia } = ctx.pki.identities;
        for (const key of [bob.keyDer, olivia.keyDer]) {
          expectRefused(await decryptAs(carol(), made, false, key), claims('ecdh-p256') ? 'ERR_UNSUPPORTED_KEY' : 'ERR_UNSUPPORTED_KEY_AGREEMENT');
        }
      });

      it('a curve no backend computes on (secp256k1): ERR_UNSUPPORTED_KEY_AGREEMENT both ways', async () => {
        const k1 = await withTempDir('sealpost-k1-', async (dir) => {
          const keyPath = join(dir, 'k1.key');
          const certPath = join(dir, 'k1.der');
          const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-nodes', '-subj', '/CN=k1', '-days', '2'];
          await runProcess('openssl', [...args, '-addext', 'subjectAltName=email:k1@example.com', '-keyout', keyPath, '-outform', 'DER', '-out', certPath]);
          const key = await runProcess('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']);
          const cert = await runProcess('openssl', ['x509', '-inform', 'DER', '-in', certPath, '-outform', 'DER']);
          return { cert: cert.stdout, key: key.stdout };
        });
        const encrypting = ctx.sp.encrypt(textMessage({ from: 'alice@example.com', to: 'k1@example.com' }, BODY), { recipients: [k1.cert], cipher: 'aes-256-gcm' });
        await expect(encrypting).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_AGREEMENT' });
        const report = await decryptAs({ ...carol(), cert: k1.cert }, made, false, k1.key);
        expectRefused(report, 'ERR_UNSUPPORTED_KEY_AGREEMENT');
      });
    });
  });
}
