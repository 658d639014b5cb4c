import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { backendKit as kit, SealpostError, throwIfAborted } from '@sealpost/core';
import { parseCertificateOrThrow } from './certificates.js';
import { decryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { readEnvelope } from './envelope-reader.js';
import { unwrapKey } from './key-transport.js';
import { privateKeyFacts } from './keys.js';

/**
 * Decrypts EnvelopedData (AES-CBC) or AuthEnvelopedData (AES-GCM) for the recipient `certificate`.
 * Structural and capability problems are typed errors found before the key is touched; once a
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
  const cek = unwrapKey(ctx, transport, key, recipient.encryptedKey, envelope.cipher.keyLength);
  try {
    throwIfAborted(request.signal);
    const content = decryptContent(envelope.cipher, cek, envelope.parameters, envelope.ciphertext, envelope.mac, envelope.additionalData);
    return { content };
  } finally {
    cek.fill(0);
  }
}
