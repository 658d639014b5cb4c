import type { EncryptRequest } from '@sealpost/core';
import { SealpostError, inspectCms, isAuthenticatedCipher, throwIfAborted } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { cipherByName } from './algorithms.js';
import { assertCipher, assertKeyAgreement, assertKeyTransport, needsKeyAgreement } from './capabilities.js';
import { type Certificate, certificatePem, readCertificate } from './certificates.js';
import type { Context } from './context.js';
import { opensslLabel } from './openssl.js';
import { agreementPrimitives, kemPrimitives } from './key-agreement.js';
import { exitFailure } from './process.js';
import { withPrivateDir } from './temp-dir.js';

const VERB = ['cms', '-encrypt'] as const;
// RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017, RFC 4055), as CryptoBackend documents it.
const OAEP_OPTIONS = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256'] as const;
// ECDH with the X9.63 KDF over the hash RFC 5753 section 8 pairs with the curve (dhSinglePass-stdDH-sha256kdf-scheme
// for P-256, sha384 for P-384, sha512 for P-521) rather than OpenSSL's SHA-1 default, as core's engine writes it.
// The key wrap is OpenSSL's choice, the same as core's: AES key wrap as long as the content key.
const ECDH_KDF: Readonly<Record<string, string>> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };
const ecdhOptions = (curve: string): string[] => ['-keyopt', `ecdh_kdf_md:${ECDH_KDF[curve] ?? 'sha256'}`];

/**
 * Encryption to RSA recipients with an AES cipher runs under core's CMS engine on `primitives`
 * (public-key operations and AES in node:crypto: no process), and so does a message with an X25519
 * recipient (key-agreement.ts). Otherwise a recipient that needs key agreement (ECDH) goes to
 * `openssl cms -encrypt`. Legacy ciphers (3DES, RC2) are refused: read, never written.
 */
export async function encryptCms(ctx: Context, primitives: kit.EncryptPrimitives, request: EncryptRequest): Promise<Uint8Array> {
  // Claimed for reading only: `openssl cms -encrypt -des3` would write it, this backend never does.
  if (typeof request.cipher === 'string' && kit.isLegacyCipher(request.cipher)) throw kit.legacyCipherNotWritten(request.cipher);
  const recipients: readonly unknown[] = Array.isArray(request.recipients) ? request.recipients : [];
  const keys = recipients.map((r) => kit.certificateFactsOf((r as { certificate?: Uint8Array } | undefined)?.certificate as Uint8Array)?.publicKey ?? null);
  const agreement = keys.some((key) => kit.needsKeyAgreement(key));
  const aes = typeof request.cipher === 'string' && kit.aesCipherByName(request.cipher) !== null;
  // X25519 (which `openssl cms` 3.0 cannot write) takes every recipient of the message through core's engine.
  if (aes && keys.some((key) => key?.kind === 'x25519')) return kit.encryptContent({ ...primitives, ...agreementPrimitives(ctx, null) }, ctx.capabilities, request);
  // ML-KEM (KEMRecipientInfo), which `openssl cms` 3.0 cannot write, likewise, on @noble/post-quantum in-process.
  if (aes && keys.some((key) => key?.kind === 'ml-kem')) return kit.encryptContent({ ...primitives, ...kemPrimitives(ctx) }, ctx.capabilities, request);
  return agreement || !aes ? encryptWithCms(ctx, request) : kit.encryptContent(primitives, ctx.capabilities, request);
}

/**
 * ContentInfo(EnvelopedData) for CBC ciphers, ContentInfo(AuthEnvelopedData) for GCM (OpenSSL 3.0
 * writes RFC 5083/5084 AuthEnvelopedData for GCM), DER, one RecipientInfo per certificate:
 * key transport for RSA keys, ECDH key agreement for EC keys.
 */
async function encryptWithCms(ctx: Context, request: EncryptRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.recipients) || request.recipients.length === 0) throw new TypeError('at least one recipient is required');
  assertCipher(ctx.capabilities, request.cipher);
  assertKeyTransport(ctx.capabilities, request.keyTransport);
  const cipher = cipherByName(request.cipher)!;
  const recipients = request.recipients.map((r) => checkedRecipient(ctx, r?.certificate));

  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const paths = await Promise.all(recipients.map((recipient, i) => dir.write(`recipient-${i}.pem`, certificatePem(recipient.der))));
    const recipientArgs = recipients.flatMap((recipient, i) => [
      '-recip',
      paths[i]!,
      ...(recipient.key.kind === 'ec' ? ecdhOptions(recipient.key.curve) : request.keyTransport === 'rsa-oaep' ? OAEP_OPTIONS : []),
    ]);
    const exit = await ctx.openssl.run({
      verb: VERB,
      args: ['-binary', `-${cipher.openssl}`, '-outform', 'DER', ...recipientArgs],
      providers: true,
      stdin: request.content,
      tempPath: dir.path,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (exit.exitCode !== 0 || exit.stdout === null) throw exitFailure(opensslLabel(VERB), exit);
    return checkedEnvelope(exit.stdout, isAuthenticatedCipher(request.cipher));
  });
}

function checkedRecipient(ctx: Context, der: Uint8Array | undefined): Certificate {
  const certificate = readCertificate(der as Uint8Array, 'recipient');
  const key = certificate.key;
  if (needsKeyAgreement(key)) assertKeyAgreement(ctx.capabilities, key);
  else if (key.kind === 'rsa' && key.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is an RSASSA-PSS key, which is for signatures only');
  else if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', `recipient keys of type ${key.kind === 'other' ? key.name : key.kind} are not supported by this backend`);
  return certificate;
}

function checkedEnvelope(output: Uint8Array, authenticated: boolean): Uint8Array {
  const expected = authenticated ? 'auth-enveloped-data' : 'enveloped-data';
  let type: string;
  try {
    type = inspectCms(output).type;
  } catch (error) {
    throw new SealpostError('ERR_BACKEND', 'openssl cms -encrypt did not write a readable CMS structure', { cause: error });
  }
  if (type !== expected) throw new SealpostError('ERR_BACKEND', `openssl cms -encrypt wrote ${type}, not ${expected}`);
  return output;
}
