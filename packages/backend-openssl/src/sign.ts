import { SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { digestByName } from './algorithms.js';
import type { Context } from './context.js';
import { checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { digestOf } from './node-crypto.js';
import { opensslLabel } from './openssl.js';
import { exitFailure } from './process.js';
import { type PrivateDir, withPrivateDir } from './temp-dir.js';

const VERB = ['pkeyutl', '-sign'] as const;

/**
 * Signing runs under core's CMS engine (`signContent` from the backend kit), which checks the request, writes
 * the signed attributes and the SignedData (exactly the request's attributes: signingTime and
 * SMIMECapabilities only when asked for) and checks each fresh signature with the certificate.
 * OpenSSL does the private-key operation alone, one `openssl pkeyutl -sign` per signer over the digest
 * of the DER signed attributes, so keys behind a provider or URI still work.
 */
export async function signWithOpenssl(ctx: Context, input: kit.SignatureCreation): Promise<Uint8Array> {
  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    if (input.params.scheme === 'ed25519') return ed25519Signature(ctx, dir, input);
    return privateKeySignature(ctx, dir, input, digestOf(input.params.hash, input.data));
  });
}

/**
 * PureEdDSA over the DER signed attributes themselves (RFC 8419 3.1): `pkeyutl -sign -rawin`. OpenSSL 3.0
 * signs EdDSA in one shot and must know the input's size first, so the signed attributes (public bytes)
 * go in as a file in the operation's private folder, not on stdin.
 */
async function ed25519Signature(ctx: Context, dir: PrivateDir, input: kit.SignatureCreation): Promise<Uint8Array> {
  const key = input.privateKey;
  checkKeyRef(key);
  const [passphrase, inkey, data] = await Promise.all([
    passphraseFor([key], ctx.openssl.options),
    inkeyArgument(key, dir, `signer-${input.index}-key`),
    dir.write(`signer-${input.index}-attributes.der`, input.data),
  ]);
  const exit = await ctx.openssl.run({
    verb: VERB,
    args: ['-rawin', '-inkey', inkey, '-in', data],
    providers: true,
    tempPath: dir.path,
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  });
  if (exit.exitCode !== 0 || exit.stdout === null) throw exitFailure(opensslLabel(VERB), exit);
  if (exit.stdout.length !== kit.ED25519_SIGNATURE_LENGTH) throw new SealpostError('ERR_BACKEND', 'openssl pkeyutl -sign -rawin did not write a 64-octet Ed25519 signature');
  return exit.stdout;
}

/** The pkeyutl options for a scheme: the digest named (so RSA writes the DigestInfo), PSS as RFC 4055 and RFC 8551 use it. */
function pkeyOptions(params: kit.SignatureParams): string[] {
  const digest = digestByName(params.hash)!.openssl;
  const options = ['-pkeyopt', `digest:${digest}`];
  if (params.scheme === 'rsa-pss') options.push('-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest', '-pkeyopt', `rsa_mgf1_md:${digest}`);
  return options;
}

/** The raw signature value (RSA octets, or a DER ECDSA-Sig-Value) over `hash`, from one openssl process. */
async function privateKeySignature(ctx: Context, dir: PrivateDir, input: kit.SignatureCreation, hash: Uint8Array): Promise<Uint8Array> {
  const key = input.privateKey;
  checkKeyRef(key);
  const signal = input.signal;
  const [passphrase, inkey] = await Promise.all([passphraseFor([key], ctx.openssl.options), inkeyArgument(key, dir, `signer-${input.index}-key`)]);
  const exit = await ctx.openssl.run({
    verb: VERB,
    args: ['-inkey', inkey, ...pkeyOptions(input.params)],
    providers: true,
    stdin: hash,
    tempPath: dir.path,
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(signal === undefined ? {} : { signal }),
  });
  if (exit.exitCode !== 0 || exit.stdout === null) throw exitFailure(opensslLabel(VERB), exit);
  if (exit.stdout.length === 0) throw new SealpostError('ERR_BACKEND', 'openssl pkeyutl -sign wrote no signature');
  return exit.stdout;
}
