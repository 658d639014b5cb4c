import type { DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '@sealpost/core';
import { SealpostError, throwIfAborted } from '@sealpost/core';
import { digestByName } from './algorithms.js';
import { hexOf } from './bytes.js';
import { assertDigest, schemeFor } from './capabilities.js';
import { type Certificate, certificatePem, readCertificate } from './certificates.js';
import type { Context } from './context.js';
import { checkKeyMatches, checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { exitFailure } from './process.js';
import { mergeSignedData, signedDataParts } from './signed-data.js';
import { withPrivateDir } from './temp-dir.js';

interface PreparedSigner {
  readonly input: SignerInput;
  readonly certificate: Certificate;
  readonly scheme: SignatureScheme;
}

const VERB = ['cms', '-sign'] as const;
// RSASSA-PSS as RFC 4055 and RFC 8551 use it: MGF1 with the signing digest, salt as long as the digest.
const PSS_OPTIONS = ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:digest'] as const;

/**
 * ContentInfo(SignedData) DER from `openssl cms -sign`. OpenSSL writes signingTime (the current
 * time) and, unless no signer asks for any, its own SMIMECapabilities list; the request's values
 * for those two attributes are not reproduced exactly.
 */
export async function signCms(ctx: Context, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  const signers: PreparedSigner[] = [];
  for (const input of request.signers) signers.push(await prepareSigner(ctx, input));
  const extras = (request.certificates ?? []).map((der) => readCertificate(der, 'extra'));

  // One openssl run signs with one digest; signers with different digests are signed apart and merged.
  const outputs: Uint8Array[] = [];
  for (const [index, group] of groupByDigest(signers).entries()) {
    outputs.push(await signGroup(ctx, request, group, index === 0 ? extras : []));
    throwIfAborted(request.signal);
  }
  return outputs.length === 1 ? outputs[0]! : mergeSignedData(outputs.map(signedDataParts));
}

/** Every capability and key check, before any process starts. */
async function prepareSigner(ctx: Context, input: SignerInput): Promise<PreparedSigner> {
  if (typeof input !== 'object' || input === null) throw new TypeError('each signer must be an object');
  assertDigest(ctx.capabilities, input.digest);
  checkKeyRef(input.privateKey);
  const certificate = readCertificate(input.certificate, 'signer');
  const scheme = schemeFor(ctx.capabilities, certificate.key, input.scheme);
  await checkKeyMatches(input.privateKey, certificate.der);
  return { input, certificate, scheme };
}

function groupByDigest(signers: readonly PreparedSigner[]): PreparedSigner[][] {
  const groups = new Map<DigestAlgorithm, PreparedSigner[]>();
  for (const signer of signers) groups.set(signer.input.digest, [...(groups.get(signer.input.digest) ?? []), signer]);
  return [...groups.values()];
}

async function signGroup(ctx: Context, request: SignRequest, group: readonly PreparedSigner[], extras: readonly Certificate[]): Promise<Uint8Array> {
  const digest = digestByName(group[0]!.input.digest)!;
  const keys = group.map((s) => s.input.privateKey);
  const passphrase = await passphraseFor(keys, ctx.openssl.options);
  const wantsCapabilities = group.some((s) => (s.input.smimeCapabilities?.length ?? 0) > 0);
  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const perSigner = await Promise.all(
      group.map(async (signer, i) => {
        const [certificatePath, inkey] = await Promise.all([
          dir.write(`signer-${i}.pem`, certificatePem(signer.certificate.der)),
          inkeyArgument(signer.input.privateKey, dir, `signer-${i}-key`),
        ]);
        return ['-signer', certificatePath, '-inkey', inkey, ...(signer.scheme === 'rsa-pss' ? PSS_OPTIONS : [])];
      }),
    );
    const signerArgs = perSigner.flat();
    // OpenSSL 3.0 refuses a certificate it already holds, and it always embeds the signers' own.
    const seen = new Set(group.map((s) => hexOf(s.certificate.der)));
    const others: Certificate[] = [];
    for (const extra of extras) {
      if (!seen.has(hexOf(extra.der))) others.push(extra);
      seen.add(hexOf(extra.der));
    }
    const certfile = others.length === 0 ? [] : ['-certfile', await dir.write('extra-certificates.pem', others.map((c) => certificatePem(c.der)).join(''))];
    const args = [
      '-binary',
      '-md',
      digest.openssl,
      '-outform',
      'DER',
      ...(request.detached ? [] : ['-nodetach']),
      ...(wantsCapabilities ? [] : ['-nosmimecap']),
      ...signerArgs,
      ...certfile,
    ];
    const exit = await ctx.openssl.run({
      verb: VERB,
      args,
      providers: true,
      stdin: request.content,
      tempPath: dir.path,
      ...(passphrase === undefined ? {} : { passphrase }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (exit.exitCode !== 0 || exit.stdout === null) throw exitFailure('openssl cms -sign', exit);
    return checkedSignedData(exit.stdout);
  });
}

function checkedSignedData(output: Uint8Array): Uint8Array {
  try {
    signedDataParts(output);
  } catch (error) {
    throw new SealpostError('ERR_BACKEND', 'openssl cms -sign did not write a DER SignedData', { cause: error });
  }
  return output;
}
