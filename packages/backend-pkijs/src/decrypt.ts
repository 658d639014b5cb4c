import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { backendKit as kit, SealpostError, throwIfAborted } from '@sealpost/core';
import type { Bytes } from './bytes.js';
import { parseCertificateOrThrow } from './certificates.js';
import { decryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { readEnvelope } from './envelope-reader.js';
import { unwrapKey } from './key-transport.js';
import { privateKeyFacts } from './keys.js';

/**
 * Decrypts EnvelopedData (AES-CBC) or AuthEnvelopedData (AES-GCM) for the recipient `certificate`.
 * Structural and capability problems are typed errors found before any key is touched; after a
 * recipient is found, every failure is the one `decryptionFailed()` error.
 */
export async function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  throwIfAborted(request.signal);
  const envelope = readEnvelope(request.cms);
  const certificate = parseCertificateOrThrow(request.certificate, 'recipient');
  const pkcs8 = kit.pkcs8Of(request.privateKey);
  if (kit.needsKeyAgreement(certificate.publicKey)) throw kit.keyAgreementUnsupported();
  const recipient = kit.recipientFor(envelope.recipients, certificate);
  const transport = kit.keyTransportOf(recipient.keyEncryptionAlgorithm);
  const key = privateKeyFacts(pkcs8);
  if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');

  throwIfAborted(request.signal);
  const cek: Bytes = await unwrapKey(ctx, transport, key.pkcs8, key.rsaPrivateKey, recipient.encryptedKey, envelope.cipher.keyLength);
  throwIfAborted(request.signal);
  try {
    const content = await decryptContent(ctx, envelope.cipher, cek, envelope.parameters, envelope.ciphertext, envelope.mac, envelope.additionalData);
    return { content };
  } finally {
    cek.fill(0);
  }
}
