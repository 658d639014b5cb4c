import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { bytesEqual, createSealpost, inspectCms, parseMime } from '@sealpost/core';
import { ensureTestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Parties, partiesOf, sealpostIdentity } from './parties.js';
import { multipartSigned, pkcs7Mime, pkcs7MimeBody, signatureParts, withEntity } from './smime-parts.js';

let parties: Parties;
beforeAll(async () => {
  parties = partiesOf(await ensureTestPki());
});

const sealpost = () => createSealpost({ backend: createPkijsBackend() });

describe('signatureParts', () => {
  it('takes the exact signed part and the CMS out of a multipart/signed message', async () => {
    const signed = await sealpost().sign(parties.message, { signer: sealpostIdentity(parties.sender) });
    const { cms, content } = signatureParts(signed);
    expect(content !== undefined && bytesEqual(content, parties.entity)).toBe(true);
    expect(inspectCms(cms).type).toBe('signed-data');
  });

  it('gives only the CMS of an opaque signature', async () => {
    const signed = await sealpost().sign(parties.message, { signer: sealpostIdentity(parties.sender), detached: false });
    const parts = signatureParts(signed);
    expect(parts.content).toBeUndefined();
    expect(inspectCms(parts.cms).type).toBe('signed-data');
  });

  it('refuses a message that is not application/pkcs7-mime', () => {
    expect(() => pkcs7MimeBody(parties.message)).toThrow(/not application\/pkcs7-mime but multipart\/mixed/);
  });
});

describe("wrapping a peer's CMS", () => {
  it('builds a multipart/signed that core verifies, around the entity byte for byte', async () => {
    const signed = await sealpost().sign(parties.message, { signer: sealpostIdentity(parties.sender) });
    const { cms } = signatureParts(signed);
    const rewrapped = withEntity(parties.message, multipartSigned(parties.entity, cms));
    const report = await sealpost().verify(rewrapped, { trustAnchors: [parties.pki.ca.cert] });
    expect(report.status).toBe('valid');
    expect(report.content !== undefined && bytesEqual(report.content, parties.entity)).toBe(true);
  });

  it('labels application/pkcs7-mime with the smime-type the CMS really has', async () => {
    const encrypted = await sealpost().encrypt(parties.message, { recipients: [parties.recipient.cert], cipher: 'aes-128-gcm' });
    const entity = pkcs7Mime(pkcs7MimeBody(encrypted));
    expect(parseMime(entity).contentType.params['smime-type']).toBe('authEnveloped-data');
    const cbc = await sealpost().encrypt(parties.message, { recipients: [parties.recipient.cert], cipher: 'aes-128-cbc' });
    expect(parseMime(pkcs7Mime(pkcs7MimeBody(cbc))).contentType.params['smime-type']).toBe('enveloped-data');
  });

  it('keeps the outer header fields of the original message', async () => {
    const opaque = await sealpost().sign(parties.message, { signer: sealpostIdentity(parties.sender), detached: false });
    const wrapped = withEntity(parties.message, pkcs7Mime(pkcs7MimeBody(opaque)));
    expect(new TextDecoder().decode(wrapped)).toMatch(/^From: Alice Example <alice@example.com>\r\nTo: Bob Example/);
    expect(parseMime(wrapped).contentType.params['smime-type']).toBe('signed-data');
  });

  it('refuses to label bytes that are not CMS', () => {
    expect(() => pkcs7Mime(new Uint8Array([0x30, 0x00]))).toThrow();
  });
});
