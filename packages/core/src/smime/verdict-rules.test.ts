import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { algorithmIdentifier, nullValue } from '../asn1/der-writer.js';
import type { CryptoBackend, DecryptRequest, DecryptResult, SignerCheck } from '../backend.js';
import {
  CONTENT_CIPHER_OIDS,
  OID,
  envelopeContentInfo,
  gcmParameters,
  keyTransRecipientInfo,
  newSignedAttributes,
  rsaPkcs1KeyTransportIdentifier,
  signatureAlgorithmIdentifier,
  signedDataContentInfo,
  signerInfo,
  signingParams,
} from '../backend-kit/index.js';
import { inspectCms } from '../cms/inspect.js';
import { DECRYPTION_FAILED_MESSAGE, SealpostError } from '../errors.js';
import { parseCertificate } from '../pki/index.js';
import { generateTestCa, generateTestIdentity } from '../pki/testpki.js';
import type { TestCa, TestIdentity } from '../pki/types.js';
import type { SendRequest } from '../transport/types.js';
import { createSealpost } from './create.js';

/**
 * Rules core enforces on its own, whatever a backend reports. The backend here writes well-formed CMS
 * but does no cryptography: each test sets what it reports, next to a control that differs only there.
 */

const enc = new TextEncoder();
const message = (from = 'alice@example.com'): Uint8Array =>
  enc.encode(`From: ${from}\r\nTo: bob@example.com\r\nSubject: Figures\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nPay 100 EUR.\r\n`);

function serialBytes(hex: string): Uint8Array {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return Uint8Array.from(even.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}

function identified(certificate: Uint8Array): { issuer: Uint8Array; serial: Uint8Array } {
  const info = parseCertificate(certificate);
  return { issuer: info.issuerDer, serial: serialBytes(info.serial) };
}

interface Behaviour {
  /** The certificate reported for each signer; default the one embedded by `sign`. */
  readonly reportedCertificate?: Uint8Array;
  readonly signatureValid?: boolean;
  /** The SignerInfo's signatureAlgorithm; default rsaEncryption, which names no digest of its own. */
  readonly signatureAlgorithm?: Uint8Array;
  /** False writes EnvelopedData (no mac) even though the cipher named is AES-GCM. */
  readonly mac?: boolean;
  readonly decrypt?: (request: DecryptRequest) => Promise<DecryptResult>;
}

function scriptedBackend(behaviour: Behaviour): CryptoBackend {
  return {
    name: 'scripted',
    capabilities: {
      digests: ['sha-256'],
      signatureSchemes: ['rsa-pkcs1'],
      contentCiphers: ['aes-256-gcm'],
      keyTransport: ['rsa-pkcs1'],
      keyAgreement: [],
      keyTypes: ['rsa'],
      runtimes: ['node'],
      keyUris: false,
    },
    async sign({ content, detached, signers }) {
      const signer = signers[0]!;
      const digest = new Uint8Array(createHash('sha256').update(content).digest());
      const info = signerInfo({
        certificate: identified(signer.certificate),
        digest: 'sha-256',
        signedAttributes: newSignedAttributes({ messageDigest: digest }),
        signatureAlgorithm: behaviour.signatureAlgorithm ?? signatureAlgorithmIdentifier(signingParams('rsa-pkcs1', 'sha-256')),
        signature: new Uint8Array(256).fill(1),
      });
      return signedDataContentInfo({ digests: ['sha-256'], content: detached ? null : content, certificates: [signer.certificate], signerInfos: [info] });
    },
    async verify({ cms }) {
      const sd = inspectCms(cms);
      if (sd.type !== 'signed-data') throw new Error('not signed-data');
      return sd.signers.map((s, index): SignerCheck => ({
        index,
        certificate: behaviour.reportedCertificate ?? sd.certificates[0] ?? null,
        signatureValid: behaviour.signatureValid ?? true,
        messageDigestValid: true,
        error: null,
      }));
    },
    async encrypt({ recipients }) {
      return envelopeContentInfo({
        recipientInfos: recipients.map((r) => keyTransRecipientInfo(identified(r.certificate), rsaPkcs1KeyTransportIdentifier(), new Uint8Array(256).fill(2))),
        cipherOid: CONTENT_CIPHER_OIDS['aes-256-gcm'],
        parameters: gcmParameters(new Uint8Array(12), 16),
        ciphertext: new Uint8Array(32).fill(3),
        mac: behaviour.mac === false ? null : new Uint8Array(16).fill(4),
      });
    },
    decrypt: (request) => (behaviour.decrypt ?? (() => Promise.reject(new Error('not scripted'))))(request),
    verifyCertificateSignature: async () => true,
    async digest({ data }) {
      return new Uint8Array(createHash('sha256').update(data).digest());
    },
  };
}

describe('verdict rules core enforces whatever the backend reports', () => {
  let ca: TestCa;
  let alice: TestIdentity;
  let bob: TestIdentity;
  beforeAll(async () => {
    ca = await generateTestCa();
    alice = await generateTestIdentity({ email: 'alice@example.com', ca });
    bob = await generateTestIdentity({ email: 'bob@example.com', ca });
  });

  const signedByAlice = (behaviour: Behaviour = {}) => createSealpost({ backend: scriptedBackend(behaviour) }).sign(message(), { signer: alice });

  it('control: a signature the backend calls good, by the From address, chaining to the anchor, is valid', async () => {
    const report = await createSealpost({ backend: scriptedBackend({}) }).verify(await signedByAlice(), { trustAnchors: [ca.certificate] });
    expect(report.errors).toEqual([]);
    expect(report.status).toBe('valid');
  });

  it('a verificationTime that is not a valid Date is refused (ERR_INVALID_ARGUMENT), not read as now', async () => {
    const sp = createSealpost({ backend: scriptedBackend({}) });
    const signed = await signedByAlice();
    for (const verificationTime of [new Date(Number.NaN), '2021-03-01' as unknown as Date]) {
      await expect(sp.verify(signed, { trustAnchors: [ca.certificate], verificationTime })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(sp.open(signed, { identities: [], trustAnchors: [ca.certificate], verificationTime })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    }
  });

  it('a certificate the SignerInfo does not name is not the signer: invalid', async () => {
    const backend = scriptedBackend({ reportedCertificate: bob.certificate });
    const report = await createSealpost({ backend }).verify(await signedByAlice(), { trustAnchors: [ca.certificate] });
    expect(report.status).toBe('invalid');
    expect(report.signers[0]!.signatureValid).toBe(false);
    expect(report.errors.map((e) => e.code)).toContain('ERR_SIGNER_CERTIFICATE_MISSING');
  });

  it('multipart/signed must be exactly the content and an application/pkcs7-signature', async () => {
    const sp = createSealpost({ backend: scriptedBackend({}) });
    const signed = new TextDecoder().decode(await signedByAlice());
    const boundary = /boundary="?([^";\r\n]+)/.exec(signed)![1]!;
    const variants = [
      signed.replace(`--${boundary}--`, `--${boundary}\r\nContent-Type: text/plain\r\n\r\nPay 900 EUR.\r\n--${boundary}--`),
      // octet-stream counts as a signature only when it is named like one (smime.p7s): not this one.
      signed.replace(/Content-Type: application\/(x-)?pkcs7-signature[^\r\n]*/, 'Content-Type: application/octet-stream; name="signature.bin"'),
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(signed);
      const report = await sp.verify(enc.encode(variant), { trustAnchors: [ca.certificate] });
      expect(report.status).toBe('invalid');
      expect(report.errors.map((e) => e.code)).toEqual(['ERR_CMS_MALFORMED']);
    }
  });

  it('a signature algorithm over SHA-1 is refused even when the digest algorithm is SHA-256', async () => {
    const signed = await signedByAlice({ signatureAlgorithm: algorithmIdentifier(OID.sha1WithRSAEncryption, nullValue()) });
    const report = await createSealpost({ backend: scriptedBackend({}) }).verify(signed, { trustAnchors: [ca.certificate] });
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain('ERR_WEAK_DIGEST');
  });

  it('without a single From address even an untrusted signature is invalid, not untrusted', async () => {
    const sp = createSealpost({ backend: scriptedBackend({}) });
    expect((await sp.verify(await signedByAlice(), { trustAnchors: [] })).status).toBe('untrusted');
    const withoutFrom = await sp.sign(enc.encode('To: bob@example.com\r\nContent-Type: text/plain\r\n\r\nPay 100 EUR.\r\n'), { signer: alice });
    const report = await sp.verify(withoutFrom, { trustAnchors: [] });
    expect(report.status).toBe('invalid');
    expect(report.errors.map((e) => e.code)).toContain('ERR_FROM_MISSING');
  });

  it('open returns content after a valid signature and none after an invalid one', async () => {
    const signed = await signedByAlice();
    const options = { identities: [], trustAnchors: [ca.certificate] };
    const good = await createSealpost({ backend: scriptedBackend({}) }).open(signed, options);
    expect(good.status).toBe('valid');
    expect(good.content).toBeDefined();
    const bad = await createSealpost({ backend: scriptedBackend({ signatureValid: false }) }).open(signed, options);
    expect(bad.status).toBe('invalid');
    expect(bad.content).toBeUndefined();
  });

  describe('decryption failures', () => {
    const sealedForBob = () => createSealpost({ backend: scriptedBackend({}) }).encrypt(message(), { recipients: [bob.certificate] });
    const decryptAsBob = async (decrypt: Behaviour['decrypt']) =>
      createSealpost({ backend: scriptedBackend(decrypt === undefined ? {} : { decrypt }) }).decrypt(await sealedForBob(), { identity: bob });

    it('control: what the backend decrypts is the content', async () => {
      const report = await decryptAsBob(async () => ({ content: enc.encode('Content-Type: text/plain\r\n\r\nPay 100 EUR.\r\n') }));
      expect(report.status).toBe('decrypted');
      expect(report.authenticated).toBe(true);
    });

    it.each([
      ['a typed error that names the cause', () => Promise.reject(new SealpostError('ERR_BACKEND', 'bad PKCS#7 padding in the last block'))],
      ['an untyped library error', () => Promise.reject(new Error('unable to authenticate data'))],
    ])('%s becomes the one generic failure, with nothing attached', async (_name, decrypt) => {
      const report = await decryptAsBob(decrypt);
      expect(report.status).toBe('failed');
      expect(report.content).toBeUndefined();
      expect(report.errors).toEqual([{ code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE }]);
    });

    it('EnvelopedData naming AES-GCM carries no tag: not authenticated, refused when authentication is required', async () => {
      const sealed = await createSealpost({ backend: scriptedBackend({ mac: false }) }).encrypt(message(), { recipients: [bob.certificate] });
      const sp = createSealpost({ backend: scriptedBackend({ decrypt: async () => ({ content: enc.encode('Content-Type: text/plain\r\n\r\nx\r\n') }) }) });
      expect((await sp.decrypt(sealed, { identity: bob })).authenticated).toBe(false);
      const refused = await sp.decrypt(sealed, { identity: bob, requireAuthenticated: true });
      expect(refused.status).toBe('failed');
      expect(refused.errors.map((e) => e.code)).toEqual(['ERR_NOT_AUTHENTICATED']);
    });

    it('open tries the next identity only when the message is not for the previous one', async () => {
      const forBob = (bobDecrypts: boolean) => (request: DecryptRequest) =>
        request.certificate !== bob.certificate
          ? Promise.reject(new SealpostError('ERR_NO_RECIPIENT', 'no recipient matches the certificate'))
          : bobDecrypts
            ? Promise.resolve({ content: enc.encode('Content-Type: text/plain\r\n\r\nPay 100 EUR.\r\n') })
            : Promise.reject(new Error('bad padding'));
      const sealed = await sealedForBob();
      const openWith = (bobDecrypts: boolean, identities: TestIdentity[]) =>
        createSealpost({ backend: scriptedBackend({ decrypt: forBob(bobDecrypts) }) }).open(sealed, { identities, trustAnchors: [ca.certificate] });
      expect((await openWith(true, [alice, bob])).status).toBe('decrypted');
      // A real failure for the right recipient is not hidden behind a later "not for you".
      const failed = await openWith(false, [bob, alice]);
      expect(failed.status).toBe('failed');
      expect(failed.errors.map((e) => e.code)).toEqual(['ERR_DECRYPTION_FAILED']);
    });

    it('a message for someone else keeps its own code: the recipients are public', async () => {
      const report = await decryptAsBob(() => Promise.reject(new SealpostError('ERR_NO_RECIPIENT', 'no recipient matches the certificate')));
      expect(report.status).toBe('failed');
      expect(report.errors.map((e) => e.code)).toEqual(['ERR_NO_RECIPIENT']);
    });
  });

  it('open reports an encrypted part under an unencrypted root as partially-encrypted, with or without identities', async () => {
    const sealed = await createSealpost({ backend: scriptedBackend({}) }).encrypt(message(), { recipients: [bob.certificate] });
    const part = sealed.subarray(new TextDecoder('latin1').decode(sealed).indexOf('Content-Type: application/pkcs7-mime'));
    const b = 'outer-mixed';
    const mixed = new Uint8Array([
      ...enc.encode(`From: alice@example.com\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain\r\n\r\nClick here: \r\n--${b}\r\n`),
      ...part,
      ...enc.encode(`\r\n--${b}--\r\n`),
    ]);
    for (const identities of [[], [bob]]) {
      const report = await createSealpost({ backend: scriptedBackend({}) }).open(mixed, { identities, trustAnchors: [ca.certificate] });
      expect(report.status).toBe('partially-encrypted');
      expect(report.content).toBeUndefined();
    }
  });

  it('send keeps Bcc recipients out of the header it hands to the transport', async () => {
    const sent: SendRequest[] = [];
    const transport = {
      name: 'recording',
      async send(request: SendRequest) {
        sent.push(request);
        return { transport: 'recording', recipients: request.envelope.to.map((address) => ({ address, status: 'accepted' as const })) };
      },
    };
    const sp = createSealpost({ backend: scriptedBackend({}), transport });
    const withBcc = enc.encode('From: alice@example.com\r\nTo: bob@example.com\r\nBcc: carol@example.com\r\nContent-Type: text/plain\r\n\r\nHi.\r\n');
    await sp.send(withBcc, { sign: false, encrypt: false });
    expect(sent.map((r) => r.envelope.to)).toEqual([['bob@example.com', 'carol@example.com']]);
    const header = new TextDecoder().decode(sent[0]!.message).split('\r\n\r\n')[0]!;
    expect(header).toMatch(/^To: bob@example.com$/m);
    expect(header).not.toMatch(/^Bcc:/im);
  });

  it("send reports a rate limit's Retry-After wait (a whole number of ms, at most a day) and nothing else from the error's detail", async () => {
    const plain = enc.encode('From: alice@example.com\r\nTo: bob@example.com\r\nContent-Type: text/plain\r\n\r\nHi.\r\n');
    const reportFor = async (code: 'ERR_TRANSPORT_RATE_LIMITED' | 'ERR_TRANSPORT_UNAVAILABLE', retryAfterMs: unknown) => {
      const transport = {
        name: 'limited',
        async send(): Promise<never> {
          throw new SealpostError(code, 'slow down', { detail: { retryAfterMs, status: 429 } });
        },
      };
      const report = await createSealpost({ backend: scriptedBackend({}), transport }).send(plain, { sign: false, encrypt: false });
      return report.recipients[0]?.error;
    };
    expect(await reportFor('ERR_TRANSPORT_RATE_LIMITED', 2000)).toEqual({ code: 'ERR_TRANSPORT_RATE_LIMITED', message: 'slow down', retryAfterMs: 2000 });
    for (const odd of [undefined, -1, 1.5, '2000', 86_400_001, Number.NaN])
      expect(await reportFor('ERR_TRANSPORT_RATE_LIMITED', odd)).toEqual({ code: 'ERR_TRANSPORT_RATE_LIMITED', message: 'slow down' });
    expect(await reportFor('ERR_TRANSPORT_UNAVAILABLE', 2000)).toEqual({ code: 'ERR_TRANSPORT_UNAVAILABLE', message: 'slow down' });
  });
});
