import { constants, createPrivateKey, privateDecrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { decodeElement } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import type { BackendCapabilities } from '../backend.js';
import { isSealpostError } from '../errors.js';
import { readEnvelope } from './cms-reader.js';
import { decryptEnvelope } from './decrypt-envelope.js';
import { checkEncryptRequest } from './encrypt-content.js';
import { capabilityOf, decryptLegacyContent, isLegacyCipher, legacyCipherOf } from './legacy-content.js';
import { pkcs1v15UnpadKey } from './pkcs1v15.js';
import type { DecryptPrimitives } from './primitives.js';

// RFC 4134 section 5: EnvelopedData to Bob with 3DES (5.1) and RC2 (5.2: headed RC2/128, but its text and
// its bytes are RC2/40, rc2ParameterVersion 160 and a 5-octet key).
const vectors = join(import.meta.dirname, '../../../../tooling/fixtures/vectors/rfc4134');
const vector = (name: string): Uint8Array => new Uint8Array(readFileSync(join(vectors, name)));
const bob = { certificate: vector('BobRSASignByCarl.cer'), privateKey: { type: 'pkcs8' as const, der: vector('BobPrivRSAEncrypt.pri') } };

const CAPABILITIES: BackendCapabilities = {
  digests: ['sha-256'],
  signatureSchemes: ['rsa-pkcs1'],
  contentCiphers: ['aes-256-cbc', 'des-ede3-cbc', 'rc2-cbc'],
  keyTransport: ['rsa-pkcs1'],
  keyAgreement: [],
  keyTypes: ['rsa'],
  runtimes: ['node'],
  keyUris: false,
};

/** Node's RSA for the key (raw, unpadded by core as every backend does), core's legacy ciphers for the content. */
const primitives: DecryptPrimitives = {
  unwrapKey: async (input) => {
    const key = createPrivateKey({ key: Buffer.from(bob.privateKey.der), format: 'der', type: 'pkcs8' });
    const block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, input.encryptedKey);
    return pkcs1v15UnpadKey(new Uint8Array(block), input.keyLength, new Uint8Array(randomBytes(input.keyLength)));
  },
  decryptContent: async (input) => decryptLegacyContent(input),
};

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return isSealpostError(error) ? error.code : String(error);
  }
}

const node = (bytes: Uint8Array) => decodeElement(bytes) ?? undefined;
const iv = new Uint8Array(8).fill(7);

describe('legacy content ciphers in the CMS engine', () => {
  it('reads the cipher and IV of RFC 4134 5.1 (3DES) and 5.2 (RC2, rc2ParameterVersion 160 = 40 bits)', () => {
    const e1 = readEnvelope(vector('5.1.bin'));
    const e2 = readEnvelope(vector('5.2.bin'));
    expect([e1.cipher?.name, e1.cipher?.keyLength, e1.parameters?.mode === 'cbc' && e1.parameters.iv.length]).toEqual(['des-ede3-cbc', 24, 8]);
    expect([e2.cipher?.name, e2.cipher?.keyLength, e2.cipher?.effectiveBits]).toEqual(['rc2-40-cbc', 5, 40]);
  });

  it.each(['5.1.bin', '5.2.bin'])('decrypts RFC 4134 %s to the sample content', async (file) => {
    const { content } = await decryptEnvelope(primitives, CAPABILITIES, { cms: vector(file), ...bob });
    expect(new TextDecoder().decode(content)).toContain('This is some sample content.');
  });

  it('refuses a legacy cipher the backend does not list, before any key is used', async () => {
    const aesOnly = { ...CAPABILITIES, contentCiphers: ['aes-256-cbc'] as const };
    for (const file of ['5.1.bin', '5.2.bin']) {
      const error = await decryptEnvelope(primitives, aesOnly, { cms: vector(file), ...bob }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSealpostError(error, 'ERR_UNSUPPORTED_CIPHER')).toBe(true);
    }
  });

  it('names RC2 by its rc2ParameterVersion (RFC 2268 6) and refuses other sizes with a typed error', () => {
    const rc2 = (version: number) => node(der.sequence(der.integer(version), der.octetString(iv)));
    expect(legacyCipherOf(OID.rc2Cbc, rc2(160), false, true)?.cipher?.name).toBe('rc2-40-cbc');
    expect(legacyCipherOf(OID.rc2Cbc, rc2(120), false, true)?.cipher?.name).toBe('rc2-64-cbc');
    expect(legacyCipherOf(OID.rc2Cbc, rc2(58), false, true)?.cipher?.name).toBe('rc2-128-cbc');
    expect(codeOf(() => legacyCipherOf(OID.rc2Cbc, rc2(256), false, true))).toBe('ERR_UNSUPPORTED_CIPHER');
    // RFC 2268 6: a bare IV (or a SEQUENCE holding only the IV) means the default 32 effective bits.
    expect(codeOf(() => legacyCipherOf(OID.rc2Cbc, node(der.octetString(iv)), false, true))).toBe('ERR_UNSUPPORTED_CIPHER');
    expect(codeOf(() => legacyCipherOf(OID.rc2Cbc, node(der.sequence(der.octetString(iv))), false, true))).toBe('ERR_UNSUPPORTED_CIPHER');
  });

  it('refuses malformed IVs as malformed CMS, and CBC inside AuthEnvelopedData as unsupported', () => {
    expect(codeOf(() => legacyCipherOf(OID.desEde3Cbc, node(der.octetString(new Uint8Array(16))), false, true))).toBe('ERR_CMS_MALFORMED');
    expect(codeOf(() => legacyCipherOf(OID.desEde3Cbc, undefined, false, true))).toBe('ERR_CMS_MALFORMED');
    expect(codeOf(() => legacyCipherOf(OID.rc2Cbc, node(der.sequence(der.integer(58), der.octetString(new Uint8Array(7)))), false, true))).toBe('ERR_CMS_MALFORMED');
    expect(codeOf(() => legacyCipherOf(OID.rc2Cbc, node(der.sequence(der.integer(58), der.nullValue())), false, true))).toBe('ERR_CMS_MALFORMED');
    expect(codeOf(() => legacyCipherOf(OID.desEde3Cbc, node(der.octetString(iv)), true, true))).toBe('ERR_UNSUPPORTED_CIPHER');
    // For reports (not strict) the name when it can be told, never an error.
    expect(legacyCipherOf(OID.desEde3Cbc, undefined, false, false)).toEqual({ cipher: null, parameters: null });
    expect(legacyCipherOf(OID.aes256Cbc, undefined, false, true)).toBeNull();
  });

  it('never writes a legacy cipher, even for a backend that lists it for reading', () => {
    for (const cipher of ['des-ede3-cbc', 'rc2-cbc', 'rc2-40-cbc', 'rc2-128-cbc'] as const) {
      const request = { content: new Uint8Array(1), recipients: [{ certificate: bob.certificate }], cipher, keyTransport: 'rsa-pkcs1' as const };
      expect(codeOf(() => checkEncryptRequest(CAPABILITIES, request))).toBe('ERR_UNSUPPORTED_CIPHER');
    }
  });

  it('names the capability and the legacy set', () => {
    expect(capabilityOf('rc2-40-cbc')).toBe('rc2-cbc');
    expect(capabilityOf('des-ede3-cbc')).toBe('des-ede3-cbc');
    expect(['des-ede3-cbc', 'rc2-cbc', 'rc2-64-cbc', 'aes-128-cbc', 'aes-256-gcm'].map(isLegacyCipher)).toEqual([true, true, true, false, false]);
  });

  it('fails a key of the wrong length with the generic error', () => {
    const spec = readEnvelope(vector('5.1.bin'));
    const input = { cipher: spec.cipher!, parameters: spec.parameters!, key: new Uint8Array(16), ciphertext: spec.ciphertext, mac: null, additionalData: null };
    expect(codeOf(() => decryptLegacyContent(input))).toBe('ERR_DECRYPTION_FAILED');
  });
});
