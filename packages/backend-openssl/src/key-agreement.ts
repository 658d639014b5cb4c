import { createCipheriv, createDecipheriv, createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { decryptionFailed, der, isSealpostError, pemEncode, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Context } from './context.js';
import { inkeyArgument, passphraseFor } from './keys.js';
import { digestOf } from './node-crypto.js';
import type { PrivateDir } from './temp-dir.js';

const VERB = ['pkeyutl', '-derive'] as const;

/**
 * Key agreement under core's CMS engine, ECDH on the NIST curves (RFC 5753) and X25519 (RFC 8418):
 * openssl runs the one operation that needs the private key, `pkeyutl -derive` with the sender's
 * ephemeral key as `-peerkey`; the sender's side (a fresh key pair, no private key of the caller's)
 * and the AES key wrap run in-process on node:crypto. Core reads the message, does the KDF and every
 * check, as for the other backends: `openssl cms -decrypt`, which parsed every field of the message
 * its own way, refused mail the others read for a broken field in someone else's RecipientInfo.
 */
export function agreementPrimitives(ctx: Context, dir: PrivateDir | null): kit.KeyAgreementPrimitives {
  return {
    digest: (algorithm, data) => digestOf(algorithm, data),
    deriveSharedSecret: (input) => {
      if (dir === null) throw new TypeError('deriving with a private key needs the operation folder');
      return deriveSharedSecret(ctx, dir, input);
    },
    deriveEphemeralSharedSecret: async (input) => deriveEphemeralSharedSecret(input),
    wrapKeyAes: async (input) => aesKeyWrap(input, true),
    unwrapKeyAes: async (input) => aesKeyWrap(input, false),
  };
}

/**
 * KEMRecipientInfo's primitives (RFC 9629, RFC 9936): ML-KEM on @noble/post-quantum in-process (OpenSSL 3.0
 * has none), HKDF's digest and the AES key wrap on node:crypto as for key agreement.
 */
export function kemPrimitives(ctx: Context): kit.KemPrimitives {
  const { digest, wrapKeyAes, unwrapKeyAes } = agreementPrimitives(ctx, null);
  return { digest, wrapKeyAes, unwrapKeyAes, kemEncapsulate: async (input) => kit.kemEncapsulate(input), kemDecapsulate: async (input) => kit.kemDecapsulate(input) };
}

/**
 * The shared secret from `openssl pkeyutl -derive`: ECDH's x-coordinate (as long as the curve's field) or
 * X25519's 32 octets. Every failure (a point off the curve, a small-order key) is the generic error.
 */
async function deriveSharedSecret(ctx: Context, dir: PrivateDir, input: kit.SharedSecretDerivation): Promise<Uint8Array> {
  const spki = input.curve === 'X25519' ? x25519Spki(input.publicKey) : ecSpki(input.curve, input.publicKey);
  const [passphrase, inkey, peerkey] = await Promise.all([
    passphraseFor([input.privateKey], ctx.openssl.options),
    inkeyArgument(input.privateKey, dir, 'recipient-key'),
    dir.write('originator.pem', pemEncode(spki, 'PUBLIC KEY')),
  ]);
  let output: Uint8Array | null = null;
  try {
    const exit = await ctx.openssl.run({
      verb: VERB,
      args: ['-inkey', inkey, '-peerkey', peerkey],
      providers: true,
      tempPath: dir.path,
      ...(passphrase === undefined ? {} : { passphrase }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    output = exit.exitCode === 0 ? exit.stdout : null;
  } catch (error) {
    if (isSealpostError(error, 'ERR_ABORTED') || isSealpostError(error, 'ERR_TIMEOUT')) throw error;
  }
  const length = input.curve === 'X25519' ? kit.CURVE25519_KEY_LENGTH : kit.curveSize(input.curve);
  if (output === null || output.length !== length) throw decryptionFailed();
  return output;
}

/** A fresh key pair for one recipient, in-process (no private key of the caller's is involved). */
function deriveEphemeralSharedSecret(input: kit.EphemeralAgreement): { ephemeralPublicKey: Uint8Array; sharedSecret: Uint8Array } {
  if (input.curve !== 'X25519') {
    const ecdh = createECDH(NODE_CURVES[input.curve]);
    const ephemeralPublicKey = new Uint8Array(ecdh.generateKeys());
    try {
      return { ephemeralPublicKey, sharedSecret: new Uint8Array(ecdh.computeSecret(input.publicKey)) };
    } catch {
      throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's EC public key is not a point on its curve");
    }
  }
  const ephemeral = generateKeyPairSync('x25519');
  const raw = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  let sharedSecret: Buffer;
  try {
    const recipient = createPublicKey({ key: Buffer.from(x25519Spki(input.publicKey)), format: 'der', type: 'spki' });
    sharedSecret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  } catch {
    // OpenSSL refuses the all-zero secret a small-order key gives.
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's X25519 key is of small order");
  }
  return { ephemeralPublicKey: new Uint8Array(raw), sharedSecret: new Uint8Array(sharedSecret) };
}

const NODE_CURVES: Readonly<Record<kit.NamedCurve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** SubjectPublicKeyInfo of an EC point (RFC 5480): id-ecPublicKey with the curve's OID, the point as received. */
function ecSpki(curve: kit.NamedCurve, point: Uint8Array): Uint8Array {
  return der.sequence(der.algorithmIdentifier(kit.OID.ecPublicKey, der.oid(CURVE_OIDS[curve])), der.bitString(point));
}

const CURVE_OIDS: Readonly<Record<kit.NamedCurve, string>> = { 'P-256': kit.OID.secp256r1, 'P-384': kit.OID.secp384r1, 'P-521': kit.OID.secp521r1 };

/** SubjectPublicKeyInfo of an X25519 key (RFC 8410 4): id-X25519 without parameters, the 32 octets. */
function x25519Spki(key: Uint8Array): Uint8Array {
  return der.sequence(der.algorithmIdentifier(kit.OID.x25519), der.bitString(key));
}

// RFC 3394's default initial value.
const AES_WRAP_IV = Buffer.alloc(8, 0xa6);

/** RFC 3394 AES key wrap and unwrap (node:crypto's id-aesN-wrap); a failed unwrap is the generic error. */
function aesKeyWrap(input: kit.AesKeyWrap, wrap: boolean): Uint8Array {
  const name = `id-aes${input.kek.length * 8}-wrap`;
  try {
    const cipher = wrap ? createCipheriv(name, input.kek, AES_WRAP_IV) : createDecipheriv(name, input.kek, AES_WRAP_IV);
    return new Uint8Array(Buffer.concat([cipher.update(input.key), cipher.final()]));
  } catch (error) {
    if (wrap) throw new SealpostError('ERR_BACKEND', 'AES key wrap failed', { cause: error });
    throw decryptionFailed();
  }
}
