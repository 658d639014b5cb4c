import type { EncryptRequest } from '@sealpost/core';
import { der, SealpostError, throwIfAborted } from '@sealpost/core';
import { aesCipherByName, type CipherSpec } from './algorithms.js';
import type { Bytes } from './bytes.js';
import { assertContentCipher, assertKeyTransport } from './capabilities.js';
import { parseCertificateOrThrow, type CertificateFacts } from './certificates.js';
import { encryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { wrapKey } from './key-transport.js';
import type { PublicKeyFacts } from './keys.js';
import { OID } from './oids.js';

type RsaRecipient = { readonly certificate: CertificateFacts; readonly key: Extract<PublicKeyFacts, { kind: 'rsa' }> };

/**
 * ContentInfo(EnvelopedData) for CBC ciphers, ContentInfo(AuthEnvelopedData) for GCM (RFC 5083,
 * RFC 5084), with one KeyTransRecipientInfo (version 0, issuerAndSerialNumber) per recipient.
 */
export async function encryptCms(ctx: Context, request: EncryptRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  assertContentCipher(request.cipher);
  assertKeyTransport(request.keyTransport);
  const cipher = aesCipherByName(request.cipher) as CipherSpec;
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.recipients) || request.recipients.length === 0) throw new TypeError('at least one recipient is required');
  const recipients = request.recipients.map((r) => rsaRecipient(r.certificate));

  const cek = ctx.random(cipher.keyLength);
  const recipientInfos: Bytes[] = [];
  for (const recipient of recipients) {
    const wrapped = await wrapKey(ctx, request.keyTransport, recipient.key, cek);
    recipientInfos.push(
      der.sequence(
        der.integer(0),
        der.sequence(recipient.certificate.issuer, der.tlv(0x02, recipient.certificate.serial)),
        wrapped.keyEncryptionAlgorithm,
        der.octetString(wrapped.encryptedKey),
      ),
    );
    throwIfAborted(request.signal);
  }
  const encrypted = await encryptContent(ctx, cipher, cek, request.content);
  cek.fill(0);
  const encryptedContentInfo = der.sequence(
    der.oid(OID.data),
    der.algorithmIdentifier(cipher.oid, encrypted.parameters),
    der.implicitPrimitive(0, encrypted.ciphertext),
  );
  if (encrypted.mac === null) {
    const envelopedData = der.sequence(der.integer(0), der.setOf(recipientInfos), encryptedContentInfo);
    return der.sequence(der.oid(OID.envelopedData), der.explicit(0, envelopedData));
  }
  const authEnvelopedData = der.sequence(der.integer(0), der.setOf(recipientInfos), encryptedContentInfo, der.octetString(encrypted.mac));
  return der.sequence(der.oid(OID.authEnvelopedData), der.explicit(0, authEnvelopedData));
}

function rsaRecipient(certificateDer: Uint8Array): RsaRecipient {
  const certificate = parseCertificateOrThrow(certificateDer, 'recipient');
  const key = certificate.publicKey;
  if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's public key is malformed");
  if (key.kind === 'rsa' && key.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is an RSASSA-PSS key, which is for signatures only');
  if (key.kind === 'rsa') return { certificate, key };
  if (key.kind === 'ec' || key.oid === OID.x25519 || key.oid === OID.x448)
    throw new SealpostError('ERR_UNSUPPORTED_KEY_AGREEMENT', 'recipients with EC or X25519/X448 keys need key agreement, which this backend does not support yet');
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `recipient keys of type ${key.oid} are not supported by this backend`);
}
