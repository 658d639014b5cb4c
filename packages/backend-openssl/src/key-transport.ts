import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { decryptionFailed, isSealpostError, SealpostError, toHex } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { digestByName } from './algorithms.js';
import type { Context } from './context.js';
import { inkeyArgument, passphraseFor } from './keys.js';
import { publicKeyOf } from './signature-check.js';
import type { PrivateDir } from './temp-dir.js';

const VERB = ['pkeyutl', '-decrypt'] as const;

/**
 * Recovers the content-encryption key with the one operation that needs the private key, run by
 * openssl (so HSM and provider keys work): `pkeyutl -decrypt`.
 *
 * PKCS#1 v1.5: openssl returns the raw RSA block (rsa_padding_mode:none) and core unpads it with the
 * RFC 3218 countermeasure (a random key, drawn first, for any bad block or failed process), so neither
 * an error nor its timing tells an attacker whether the padding was good. RSAES-OAEP: openssl unpads;
 * every failure is the one generic error.
 */
export async function unwrapKey(ctx: Context, dir: PrivateDir, input: kit.KeyUnwrap): Promise<Uint8Array> {
  const fallback = input.transport.kind === 'rsa-pkcs1' ? new Uint8Array(randomBytes(input.keyLength)) : null;
  const [passphrase, inkey] = await Promise.all([passphraseFor([input.privateKey], ctx.openssl.options), inkeyArgument(input.privateKey, dir, 'recipient-key')]);
  let output: Uint8Array | null;
  try {
    const exit = await ctx.openssl.run({
      verb: VERB,
      args: ['-inkey', inkey, ...paddingOptions(input.transport)],
      providers: true,
      stdin: input.encryptedKey,
      tempPath: dir.path,
      ...(passphrase === undefined ? {} : { passphrase }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    output = exit.exitCode === 0 ? exit.stdout : null;
  } catch (error) {
    if (isSealpostError(error, 'ERR_ABORTED') || isSealpostError(error, 'ERR_TIMEOUT')) throw error;
    output = null;
  }
  if (fallback !== null) {
    // A block that could not be computed is all zeros, which no unpadding accepts: the same path as a bad padding.
    const block = new Uint8Array(Math.max(input.encryptedKey.length, output?.length ?? 0));
    if (output !== null) block.set(output, block.length - output.length);
    return kit.pkcs1v15UnpadKey(block, input.keyLength, fallback);
  }
  if (output === null || output.length !== input.keyLength) throw decryptionFailed();
  return output;
}

function paddingOptions(transport: kit.KeyTransportParams): string[] {
  if (transport.kind === 'rsa-pkcs1') return ['-pkeyopt', 'rsa_padding_mode:none'];
  const md = digestByName(transport.hash)!.openssl;
  return [
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    `rsa_oaep_md:${md}`,
    '-pkeyopt',
    `rsa_mgf1_md:${md}`,
    ...(transport.label.length === 0 ? [] : ['-pkeyopt', `rsa_oaep_label:${toHex(transport.label)}`]),
  ];
}

/**
 * The encryptedKey for a recipient: a public-key operation, so in-process on node:crypto (Node's own
 * OpenSSL 3), RSAES-PKCS1-v1_5 or RSAES-OAEP with SHA-256 and MGF1-SHA-256.
 */
export function wrapKey(input: kit.KeyWrap): Uint8Array {
  const key = publicKeyOf(input.spki);
  try {
    const padding = input.transport === 'rsa-oaep' ? { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } : { padding: constants.RSA_PKCS1_PADDING };
    return new Uint8Array(publicEncrypt({ key, ...padding }, input.key));
  } catch (error) {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `the recipient key cannot be used for ${input.transport}`, { cause: error });
  }
}
