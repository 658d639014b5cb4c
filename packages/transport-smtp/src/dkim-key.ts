import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SealpostError } from '@sealpost/core';

/** RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits (and SHOULD use 2048). */
const MIN_RSA_BITS = 1024;

/**
 * The DKIM private key as a KeyObject, checked now so that a bad key fails when the transport is
 * created, not at the first send. nodemailer's signer sends a message unsigned when the key cannot
 * sign, so a key that reaches it must be one that can. No message here carries the key or the
 * parser's own words about it (they could quote it).
 */
export function dkimPrivateKey(input: string | Uint8Array): KeyObject {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new TypeError('createSmtpTransport: dkim.privateKey must be PEM text or DER bytes');
  const key = parsedKey(input);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SealpostError('ERR_DKIM_KEY', `the DKIM private key is ${key.asymmetricKeyType ?? 'of an unknown type'}; the DKIM signer signs with RSA keys only (rsa-sha256)`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new SealpostError('ERR_DKIM_KEY', `the DKIM private key has ${bits} bits; RFC 8301 asks for ${MIN_RSA_BITS} at least (2048 is usual)`);
  return key;
}

function parsedKey(input: string | Uint8Array): KeyObject {
  const attempts = typeof input === 'string' || !isDer(input) ? pemAttempts(input) : derAttempts(input);
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // the next form, or the error below
    }
  }
  const text = typeof input === 'string' ? input : new TextDecoder('latin1').decode(input.subarray(0, 4096));
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new SealpostError('ERR_DKIM_KEY', 'the DKIM private key is encrypted; give it decrypted (kept in a file only its owner can read)');
  }
  throw new SealpostError('ERR_DKIM_KEY', 'the DKIM private key is not a PEM or DER private key (PKCS#8 or PKCS#1)');
}

function isDer(bytes: Uint8Array): boolean {
  // DER starts with a SEQUENCE tag; anything else is taken as PEM text.
  return bytes[0] === 0x30;
}

function pemAttempts(input: string | Uint8Array): (() => KeyObject)[] {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // An empty passphrase makes an encrypted key fail here instead of Node asking on the terminal.
  return [() => createPrivateKey({ key: text, format: 'pem', passphrase: '' })];
}

function derAttempts(der: Uint8Array): (() => KeyObject)[] {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  return [() => createPrivateKey({ key, format: 'der', type: 'pkcs8' }), () => createPrivateKey({ key, format: 'der', type: 'pkcs1' })];
}
