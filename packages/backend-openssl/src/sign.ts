import type { DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '@sealpost/core';
import { backendKit as kit, der, SealpostError, throwIfAborted } from '@sealpost/core';
import { digestByName } from './algorithms.js';
import { assertDigest, schemeFor } from './capabilities.js';
import { type Certificate, readCertificate } from './certificates.js';
import type { Context } from './context.js';
import { checkKeyMatches, checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { digestOf } from './node-crypto.js';
import { opensslLabel } from './openssl.js';
import { exitFailure } from './process.js';
import { signatureMatchesCertificate } from './signature-check.js';
import { type PrivateDir, withPrivateDir } from './temp-dir.js';

interface PreparedSigner {
  readonly input: SignerInput;
  readonly certificate: Certificate;
  readonly identity: { readonly issuer: Uint8Array; readonly serial: Uint8Array };
  readonly params: kit.SignatureParams;
}

const VERB = ['pkeyutl', '-sign'] as const;

/**
 * ContentInfo(SignedData) DER in the PKI.js backend's layout, written in-process with core's
 * writer: the signed attributes are exactly the request's (signingTime and SMIMECapabilities only
 * when asked for). OpenSSL does the private-key operation alone, one `openssl pkeyutl -sign` per
 * signer over the digest of the DER signed attributes, so keys behind a provider or URI still work.
 */
export async function signCms(ctx: Context, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  if (request.certificates !== undefined && !Array.isArray(request.certificates)) throw new TypeError('certificates must be an array');
  const signers: PreparedSigner[] = [];
  for (const input of request.signers) signers.push(await prepareSigner(ctx, input));
  const extras = (request.certificates ?? []).map((certificate) => readCertificate(certificate, 'extra').der);

  const digests = new Map<DigestAlgorithm, Uint8Array>();
  for (const digest of new Set(signers.map((s) => s.input.digest))) digests.set(digest, digestOf(digest, request.content));

  const signerInfos = await withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const written: Uint8Array[] = [];
    for (const [index, signer] of signers.entries()) {
      throwIfAborted(request.signal);
      written.push(await signerInfo(ctx, dir, index, signer, digests.get(signer.input.digest)!, request.signal));
    }
    return written;
  });
  throwIfAborted(request.signal);
  return kit.signedDataContentInfo({
    digests: signers.map((s) => s.input.digest),
    content: request.detached ? null : request.content,
    certificates: [...signers.map((s) => s.certificate.der), ...extras],
    signerInfos,
  });
}

/** Every capability and key check, before any process starts. */
async function prepareSigner(ctx: Context, input: SignerInput): Promise<PreparedSigner> {
  if (typeof input !== 'object' || input === null) throw new TypeError('each signer must be an object');
  assertDigest(ctx.capabilities, input.digest);
  checkKeyRef(input.privateKey);
  const certificate = readCertificate(input.certificate, 'signer');
  const scheme: SignatureScheme = schemeFor(ctx.capabilities, certificate.key, input.scheme);
  await checkKeyMatches(input.privateKey, certificate.der);
  return { input, certificate, identity: identityOf(certificate.der), params: kit.signingParams(scheme, input.digest) };
}

/** The issuer Name and serial INTEGER contents exactly as the certificate encodes them. */
function identityOf(certificateDer: Uint8Array): { issuer: Uint8Array; serial: Uint8Array } {
  const tbs = kit.childrenOf(kit.decodeElement(certificateDer) ?? undefined)?.[0];
  const fields = kit.childrenOf(tbs) ?? [];
  const [serialNode, , issuerNode] = kit.isContext(fields[0], 0) ? fields.slice(1) : fields;
  const serial = kit.integerContents(serialNode);
  if (serial === null || !kit.isUniversal(issuerNode, 16)) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the signer certificate has no readable issuer and serial number');
  return { issuer: kit.encodingOf(issuerNode), serial };
}

async function signerInfo(ctx: Context, dir: PrivateDir, index: number, signer: PreparedSigner, messageDigest: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const { input, params } = signer;
  const signedAttributes = kit.newSignedAttributes({ messageDigest, signingTime: input.signingTime, smimeCapabilities: input.smimeCapabilities });
  const attributes = der.setOf(signedAttributes);
  const signature = await privateKeySignature(ctx, dir, index, signer, digestOf(input.digest, attributes), signal);
  // Checking the fresh signature against the certificate catches a key URI that names another
  // certificate's key, and a faulty RSA-CRT result, before anything is sent.
  if (!signatureMatchesCertificate(signer.certificate.der, params, attributes, signature))
    throw new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
  return kit.signerInfo({ certificate: signer.identity, digest: input.digest, signedAttributes, signatureAlgorithm: kit.signatureAlgorithmIdentifier(params), signature });
}

/** The pkeyutl options for a scheme: the digest named (so RSA writes the DigestInfo), PSS as RFC 4055 and RFC 8551 use it. */
function pkeyOptions(params: kit.SignatureParams): string[] {
  const digest = digestByName(params.hash)!.openssl;
  const options = ['-pkeyopt', `digest:${digest}`];
  if (params.scheme === 'rsa-pss')
    options.push('-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest', '-pkeyopt', `rsa_mgf1_md:${digest}`);
  return options;
}

/** The raw signature value (RSA octets, or a DER ECDSA-Sig-Value) over `hash`, from one openssl process. */
async function privateKeySignature(ctx: Context, dir: PrivateDir, index: number, signer: PreparedSigner, hash: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const key = signer.input.privateKey;
  const [passphrase, inkey] = await Promise.all([passphraseFor([key], ctx.openssl.options), inkeyArgument(key, dir, `signer-${index}-key`)]);
  const exit = await ctx.openssl.run({
    verb: VERB,
    args: ['-inkey', inkey, ...pkeyOptions(signer.params)],
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
