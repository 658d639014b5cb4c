import type { EncryptRequest } from '@sealpost/core';
import { backendKit as kit, SealpostError, throwIfAborted } from '@sealpost/core';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { parseCertificateOrThrow, type CertificateFacts } from './certificates.js';
import { encryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { wrapKey } from './key-transport.js';
import type { RsaPublicKey } from './keys.js';

type RsaRecipient = { readonly certificate: CertificateFacts; readonly key: RsaPublicKey };

/**
 * ContentInfo(EnvelopedData) for CBC ciphers, ContentInfo(AuthEnvelopedData) for GCM (RFC 5083,
 * RFC 5084), with one KeyTransRecipientInfo (version 0, issuerAndSerialNumber) per recipient.
 */
export async function encryptCms(ctx: Context, request: EncryptRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  kit.assertContentCipher(FORGE_CAPABILITIES, request.cipher);
  kit.assertKeyTransport(FORGE_CAPABILITIES, request.keyTransport);
  const cipher = kit.aesCipherByName(request.cipher) as kit.CipherSpec;
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.recipients) || request.recipients.length === 0) throw new TypeError('at least one recipient is required');
  const recipients = request.recipients.map((r) => rsaRecipient(r.certificate));

  const cek = ctx.random(cipher.keyLength);
  try {
    const recipientInfos: Uint8Array[] = [];
    for (const recipient of recipients) {
      const wrapped = wrapKey(ctx, request.keyTransport, recipient.key, cek);
      recipientInfos.push(kit.keyTransRecipientInfo(recipient.certificate, wrapped.keyEncryptionAlgorithm, wrapped.encryptedKey));
      throwIfAborted(request.signal);
    }
    const encrypted = encryptContent(ctx, cipher, cek, request.content);
    return kit.envelopeContentInfo({ recipientInfos, cipherOid: cipher.oid, parameters: encrypted.parameters, ciphertext: encrypted.ciphertext, mac: encrypted.mac });
  } finally {
    cek.fill(0);
  }
}

function rsaRecipient(certificateDer: Uint8Array): RsaRecipient {
  const certificate = parseCertificateOrThrow(certificateDer, 'recipient');
  const key = certificate.publicKey;
  if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's public key is malformed");
  if (key.kind === 'rsa' && key.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is an RSASSA-PSS key, which is for signatures only');
  if (key.kind === 'rsa') return { certificate, key };
  if (key.kind === 'ec' || kit.needsKeyAgreement(key)) throw kit.keyAgreementUnsupported();
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `recipient keys of type ${key.oid} are not supported by this backend`);
}
