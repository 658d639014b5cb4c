import { type BerNode, OID, createSealpost, der, parseBer } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { editDer, nodeAt, replaceAt } from './ber-edit.js';
import { type SuiteContext, codes, identityOf } from './context.js';
import { craftSignedData } from './craft.js';
import { envelopedMessage, opaqueSignedMessage, textEntity, textMessage } from './messages.js';
import { cmsOf } from './tamper.js';

/**
 * One reading of received CMS: each case differs from a good message in one detail of its
 * encoding, and every backend must give the outcome written here (the same status and error code),
 * because core's CMS engine, not the backend's library, decides what is well-formed.
 */

// Paths in a ContentInfo: [1, 0] is the SignedData or envelope SEQUENCE.
const CONTENT = [1, 0];

/** An element with the same identifier octet around new contents (definite length). */
function element(node: BerNode, contents: Uint8Array): Uint8Array {
  return der.tlv(node.raw[0]!, contents);
}

/** The same OCTET STRING as a BER constructed string of two segments. */
function constructedOctets(node: BerNode): Uint8Array {
  const half = Math.floor(node.contents.length / 2);
  return der.tlv(0x24, der.octetString(node.contents.subarray(0, half)), der.octetString(node.contents.subarray(half)));
}

/** Appends `extra` as a last child of the SEQUENCE at `path`. */
function appendAt(cms: Uint8Array, path: readonly number[], extra: Uint8Array): Uint8Array {
  const target = path.join('.');
  return editDer(cms, (node, at) => (at.join('.') === target ? element(node, new Uint8Array([...node.contents, ...extra])) : undefined));
}

export function cmsReadingTests(ctx: SuiteContext): void {
  const headers = { from: 'alice@example.com', to: 'bob@example.com' };
  const entity = (): Uint8Array => textEntity('Pay 100 EUR to account 1234.\r\n');
  const signedCms = (signer: Partial<Parameters<typeof craftSignedData>[0]['signers'][number]> = {}): Uint8Array =>
    craftSignedData({
      content: entity(),
      includeContent: true,
      signers: [{ certificate: ctx.pki.identities.alice.cert, privateKey: ctx.pki.identities.alice.keyDer, ...signer }],
    });
  const verify = (cms: Uint8Array, sp = ctx.sp) => sp.verify(opaqueSignedMessage(headers, cms), { trustAnchors: ctx.anchors });
  const signerInfosPath = (cms: Uint8Array): number[] => [...CONTENT, nodeAt(cms, CONTENT).children.length - 1];
  const firstSignerInfo = (cms: Uint8Array): number[] => [...signerInfosPath(cms), 0];

  const sealed = async (cipher: 'aes-256-gcm' | 'aes-256-cbc'): Promise<Uint8Array> =>
    cmsOf(await ctx.sp.encrypt(textMessage(headers, 'Account: 1234\r\n'), { recipients: [ctx.pki.identities.bob.cert], cipher, keyTransport: 'rsa-pkcs1' }));
  const AUTH_ENVELOPED_DATA = der.oid(OID.authEnvelopedData);
  const smimeTypeOf = (cms: Uint8Array): string => (Buffer.from(parseBer(cms).children[0]!.raw).equals(Buffer.from(AUTH_ENVELOPED_DATA)) ? 'authEnveloped-data' : 'enveloped-data');
  const decrypt = (cms: Uint8Array) => ctx.sp.decrypt(envelopedMessage(headers, cms, smimeTypeOf(cms)), { identity: identityOf(ctx.pki.identities.bob) });
  // EnvelopedData / AuthEnvelopedData: version, recipientInfos, encryptedContentInfo, [mac].
  const KTRI = [...CONTENT, 1, 0];
  const ECI = [...CONTENT, 2];
  const ALGORITHM = [...ECI, 1];
  const MAC = [...CONTENT, 3];

  describe('one reading of received CMS', () => {
    it('control: the crafted signed message and the sealed messages are good', async () => {
      expect((await verify(signedCms())).status).toBe('valid');
      expect((await decrypt(await sealed('aes-256-gcm'))).status).toBe('decrypted');
      expect((await decrypt(await sealed('aes-256-cbc'))).status).toBe('decrypted');
    });

    it('signed attributes out of DER order are checked as received: valid', async () => {
      const report = await verify(signedCms({ unsortedAttributes: true }));
      expect(codes(report)).toEqual([]);
      expect(report.status).toBe('valid');
    });

    it('a signature value sent as a BER constructed OCTET STRING is read: valid', async () => {
      const cms = signedCms();
      const path = [...firstSignerInfo(cms), 5];
      const report = await verify(replaceAt(cms, path, constructedOctets(nodeAt(cms, path))));
      expect(codes(report)).toEqual([]);
      expect(report.status).toBe('valid');
    });

    it.each([
      ['eContent tagged NULL instead of OCTET STRING', (cms: Uint8Array) => replaceAt(cms, [...CONTENT, 2, 1, 0], der.tlv(0x05, nodeAt(cms, [...CONTENT, 2, 1, 0]).contents))],
      ['a second eContent [0] in EncapsulatedContentInfo', (cms: Uint8Array) => appendAt(cms, [...CONTENT, 2], nodeAt(cms, [...CONTENT, 2, 1]).raw)],
      ['a trailing element after the SignerInfo signature', (cms: Uint8Array) => appendAt(cms, firstSignerInfo(cms), der.integer(7))],
      ['a SignerInfo version INTEGER with a leading zero octet', (cms: Uint8Array) => replaceAt(cms, [...firstSignerInfo(cms), 0], Uint8Array.of(0x02, 0x02, 0x00, 0x01))],
      ['digest algorithm parameters that are neither absent nor NULL', (cms: Uint8Array) => replaceAt(cms, [...firstSignerInfo(cms), 2, 1], der.integer(0))],
      ['a NULL with contents as signature algorithm parameters', (cms: Uint8Array) => replaceAt(cms, [...firstSignerInfo(cms), 4, 1], Uint8Array.of(0x05, 0x01, 0x00))],
      ['an OID arc with a leading 0x80 octet', (cms: Uint8Array) => replaceAt(cms, [...CONTENT, 2, 0], Uint8Array.of(0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x80, 0x01))],
      ['an empty signedAttrs', (cms: Uint8Array) => replaceAt(cms, [...firstSignerInfo(cms), 3], Uint8Array.of(0xa0, 0x00))],
    ])('%s: invalid, ERR_CMS_MALFORMED', async (_name, mutate) => {
      const report = await verify(mutate(signedCms()));
      expect(report.status).toBe('invalid');
      expect(codes(report)).toEqual(['ERR_CMS_MALFORMED']);
    });

    it('more SignerInfos than the limit: thrown ERR_LIMIT_SIGNERS; a raised limit reads them', async () => {
      const cms = signedCms();
      const one = nodeAt(cms, firstSignerInfo(cms)).raw;
      const many = replaceAt(cms, signerInfosPath(cms), der.tlv(0x31, ...Array.from({ length: 65 }, () => one)));
      await expect(verify(many)).rejects.toMatchObject({ code: 'ERR_LIMIT_SIGNERS' });
      const raised = createSealpost({ backend: ctx.backend, limits: { maxSignerInfos: 100 } });
      expect((await verify(many, raised)).status).toBe('valid');
    });

    it('more certificates than the limit: thrown ERR_LIMIT_CERTIFICATES', async () => {
      const cms = signedCms();
      const certificates = [...CONTENT, 3];
      const cert = nodeAt(cms, [...certificates, 0]).raw;
      await expect(verify(replaceAt(cms, certificates, der.tlv(0xa0, ...Array.from({ length: 65 }, () => cert))))).rejects.toMatchObject({
        code: 'ERR_LIMIT_CERTIFICATES',
      });
    });

    it('more recipients than the limit: thrown ERR_LIMIT_RECIPIENTS', async () => {
      const cms = await sealed('aes-256-gcm');
      const limited = createSealpost({ backend: ctx.backend, limits: { maxRecipients: 1 } });
      const two = replaceAt(cms, [...CONTENT, 1], der.tlv(0x31, nodeAt(cms, KTRI).raw, nodeAt(cms, KTRI).raw));
      await expect(limited.decrypt(envelopedMessage(headers, two, 'authEnveloped-data'), { identity: identityOf(ctx.pki.identities.bob) })).rejects.toMatchObject({
        code: 'ERR_LIMIT_RECIPIENTS',
      });
      expect((await decrypt(two)).status).toBe('decrypted');
    });

    it("a signer certificate whose outer signatureAlgorithm is re-sent with a long-form length: not the issuer's signature, untrusted", async () => {
      // X.509 is DER, and RFC 5280 4.1.1.2 wants the outer algorithm identical to the inner one: byte for byte, on every backend.
      const cert = ctx.pki.identities.alice.cert;
      const outer = nodeAt(cert, [1]);
      const longForm = Uint8Array.of(0x30, 0x81, outer.contents.length, ...outer.contents);
      const altered = replaceAt(cert, [1], longForm);
      const cms = craftSignedData({ content: entity(), includeContent: true, signers: [{ certificate: altered, privateKey: ctx.pki.identities.alice.keyDer }] });
      const report = await verify(cms);
      expect(report.status).toBe('untrusted');
      expect(codes(report)).toEqual(['ERR_CHAIN_UNTRUSTED']);
      // Control: the same message with the certificate as issued is valid.
      expect((await verify(signedCms())).status).toBe('valid');
    });

    it.each([12, 8, 4, 1])('an AES-GCM tag cut to %i octets: failed, no plaintext', async (length) => {
      const cms = await sealed('aes-256-gcm');
      const report = await decrypt(replaceAt(cms, MAC, der.octetString(nodeAt(cms, MAC).contents.subarray(0, length))));
      expect(report.status).toBe('failed');
      expect(report.content).toBeUndefined();
      expect(codes(report)).toEqual(['ERR_DECRYPTION_FAILED']);
    });

    it.each([13, 16])('an AES-GCM nonce of %i octets: ERR_UNSUPPORTED_CIPHER before any key work', async (length) => {
      const cms = await sealed('aes-256-gcm');
      const report = await decrypt(replaceAt(cms, [...ALGORITHM, 1, 0], der.octetString(new Uint8Array(length).fill(9))));
      expect(report.status).toBe('failed');
      expect(codes(report)).toEqual(['ERR_UNSUPPORTED_CIPHER']);
    });

    it('an AES-CBC identifier without its IV: failed, ERR_CMS_MALFORMED', async () => {
      const cms = await sealed('aes-256-cbc');
      const report = await decrypt(replaceAt(cms, ALGORITHM, der.sequence(nodeAt(cms, [...ALGORITHM, 0]).raw)));
      expect(report.status).toBe('failed');
      expect(codes(report)).toEqual(['ERR_CMS_MALFORMED']);
    });

    it('an encryptedKey sent as a BER constructed OCTET STRING is read: decrypted', async () => {
      const cms = await sealed('aes-256-gcm');
      const report = await decrypt(replaceAt(cms, [...KTRI, 3], constructedOctets(nodeAt(cms, [...KTRI, 3]))));
      expect(codes(report)).toEqual([]);
      expect(report.status).toBe('decrypted');
    });

    it.each([
      ['a trailing element in a KeyTransRecipientInfo', (cms: Uint8Array) => appendAt(cms, KTRI, der.integer(7))],
      ['rsaEncryption parameters that are neither absent nor NULL', (cms: Uint8Array) => replaceAt(cms, [...KTRI, 2, 1], der.integer(0))],
      ['an empty recipientInfos SET', (cms: Uint8Array) => replaceAt(cms, [...CONTENT, 1], Uint8Array.of(0x31, 0x00))],
    ])('%s: failed, ERR_CMS_MALFORMED', async (_name, mutate) => {
      const report = await decrypt(mutate(await sealed('aes-256-gcm')));
      expect(report.status).toBe('failed');
      expect(codes(report)).toEqual(['ERR_CMS_MALFORMED']);
    });
  });
}
