import type { CryptoBackend, DigestAlgorithm } from '../backend.js';
import { SealpostError } from '../errors.js';
import { certificateFactsOf } from '../backend-kit/certificate-facts.js';
import { ED25519_DIGEST, ML_DSA_DIGEST } from '../backend-kit/signature-algorithms.js';
import { buildMultipart } from '../mime/index.js';
import { canonicalizeForSigning } from '../mime/index.js';
import { joinMessage } from '../mime/index.js';
import { splitForSealing } from './header-protection.js';
import type { SignOptions } from './types.js';
import { pkcs7MimeEntity, pkcs7SignatureEntity } from './wrap.js';

const REFUSED_FOR_SIGNING: readonly DigestAlgorithm[] = ['md5', 'sha-1'];

/** Signs the message's content entity; the message's own header fields stay outside. */
export async function signMessage(backend: CryptoBackend, message: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  const { outerHeaders, entity } = splitForSealing(message, false, { headerProtection: options.headerProtection ?? 'off' });
  const signed = await signEntity(backend, entity, options);
  return joinMessage(outerHeaders, signed);
}

export async function signEntity(backend: CryptoBackend, entity: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  const digest = options.digest ?? defaultDigest(options.signer.certificate);
  if (REFUSED_FOR_SIGNING.includes(digest)) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `refusing to sign with ${digest}: it no longer resists collisions`);
  const detached = options.detached ?? true;
  // Base64 for every non-7-bit part and CRLF everywhere, so no relay can change a signed byte.
  const content = canonicalizeForSigning(entity);
  const cms = await backend.sign({
    content,
    detached,
    signers: [
      {
        certificate: options.signer.certificate,
        privateKey: options.signer.privateKey,
        digest,
        ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
        signingTime: options.signingTime ?? new Date(),
        smimeCapabilities: preferredCiphers(backend),
      },
    ],
    certificates: options.signer.chain ?? [],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!detached) return pkcs7MimeEntity('signed-data', cms);
  return buildMultipart('signed', { protocol: 'application/pkcs7-signature', micalg: digest }, [content, pkcs7SignatureEntity(cms)]);
}

/**
 * SHA-256, or SHA-512 for an Ed25519 signer, the one digest RFC 8419 3.1 allows it, and for an ML-DSA
 * signer, the one RFC 9882 3.3 has every implementation support and every parameter set accept.
 */
function defaultDigest(certificate: Uint8Array): DigestAlgorithm {
  const kind = certificateFactsOf(certificate)?.publicKey?.kind;
  return kind === 'ed25519' ? ED25519_DIGEST : kind === 'ml-dsa' ? ML_DSA_DIGEST : 'sha-256';
}

const CIPHER_PREFERENCE = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc'] as const;

/** What we advertise in SMIMECapabilities: ciphers this backend can decrypt, strongest first. */
function preferredCiphers(backend: CryptoBackend): (typeof CIPHER_PREFERENCE)[number][] {
  return CIPHER_PREFERENCE.filter((c) => backend.capabilities.contentCiphers.includes(c));
}
