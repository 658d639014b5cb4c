import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { SealpostError, throwIfAborted } from '@sealpost/core';
import { pkcs8Of } from './capabilities.js';
import { identifies, parseCertificateOrThrow } from './certificates.js';
import { decryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { readEnvelope } from './envelope-reader.js';
import { keyTransportOf, unwrapKey } from './key-transport.js';
import { privateKeyFacts } from './keys.js';
import { OID } from './oids.js';

/**
 * Decrypts EnvelopedData (AES-CBC) or AuthEnvelopedData (AES-GCM) for the recipient `certificate`.
 * Structural and capability problems are typed errors found before the key is touched; once a
 * recipient is found, every failure is the one `decryptionFailed()` error.
 */
export async function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  throwIfAborted(request.signal);
  const envelope = readEnvelope(request.cms);
  const certificate = parseCertificateOrThrow(request.certificate, 'recipient');
  const pkcs8 = pkcs8Of(request.privateKey);
  const publicKey = certificate.publicKey;
  if (publicKey?.kind === 'ec' || (publicKey?.kind === 'other' && (publicKey.oid === OID.x25519 || publicKey.oid === OID.x448)))
    throw new SealpostError('ERR_UNSUPPORTED_KEY_AGREEMENT', 'recipients with EC or X25519/X448 keys need key agreement, which this backend does not support');
  const recipient = envelope.recipients.find((r) => r.rid !== null && identifies(r.rid, certificate));
  if (recipient === undefined) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
  const transport = keyTransportOf(recipient.keyEncryptionAlgorithm);
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
