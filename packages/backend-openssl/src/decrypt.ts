import type { DecryptRequest, DecryptResult, EnvelopedDataSummary } from '@sealpost/core';
import { SealpostError, decryptionFailed, inspectCms, isAuthenticatedCipher, isSealpostError, throwIfAborted } from '@sealpost/core';
import { assertCipher, assertKeyAgreement, assertKeyTransport, needsKeyAgreement } from './capabilities.js';
import { certificatePem, readCertificate } from './certificates.js';
import type { Context } from './context.js';
import { checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { findRecipient } from './recipients.js';
import { withPrivateDir } from './temp-dir.js';

const VERB = ['cms', '-decrypt'] as const;

/**
 * `openssl cms -decrypt -recip CERT -inkey KEY`. Structural and capability problems are typed
 * errors found before any key is used, and a message not addressed to the certificate is
 * ERR_NO_RECIPIENT; once openssl runs, every failure is the one `decryptionFailed()`, without
 * cause or stderr. The recovered content is taken only after exit code 0.
 *
 * With -recip given and without -debug_decrypt, OpenSSL applies the RFC 3218 countermeasure for
 * PKCS#1 v1.5 key transport (CMS_decrypt(3)): a key that fails to decrypt is replaced by a random
 * one and decryption goes on, so a bad padding only shows as content that does not decrypt.
 */
export async function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  throwIfAborted(request.signal);
  if (!(request.cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  const envelope = envelopeOf(request.cms);
  checkCipher(ctx, envelope);
  const certificate = readCertificate(request.certificate, 'recipient');
  checkKeyRef(request.privateKey);
  if (needsKeyAgreement(certificate.key)) assertKeyAgreement(ctx.capabilities, certificate.key);
  const recipient = findRecipient(request.cms, envelope, certificate);
  if (recipient === null) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
  if (recipient.kind === 'ktri') {
    if (certificate.key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA key');
    if (recipient.keyTransport === null) throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', 'the key transport algorithm is not supported by this backend');
    assertKeyTransport(ctx.capabilities, recipient.keyTransport);
  }
  const passphrase = await passphraseFor([request.privateKey], ctx.openssl.options);

  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const [certificatePath, inkey] = await Promise.all([
      dir.write('recipient.pem', certificatePem(certificate.der)),
      inkeyArgument(request.privateKey, dir, 'recipient-key'),
    ]);
    let exit;
    try {
      exit = await ctx.openssl.run({
        verb: VERB,
        args: ['-binary', '-inform', 'DER', '-recip', certificatePath, '-inkey', inkey],
        providers: true,
        stdin: request.cms,
        tempPath: dir.path,
        ...(passphrase === undefined ? {} : { passphrase }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
    } catch (error) {
      if (isSealpostError(error, 'ERR_ABORTED') || isSealpostError(error, 'ERR_TIMEOUT')) throw error;
      throw decryptionFailed();
    }
    if (exit.exitCode !== 0 || exit.stdout === null) throw decryptionFailed();
    return { content: exit.stdout };
  });
}

function envelopeOf(cms: Uint8Array): EnvelopedDataSummary {
  const summary = inspectCms(cms);
  if (summary.type !== 'enveloped-data' && summary.type !== 'auth-enveloped-data')
    throw new SealpostError('ERR_CMS_MALFORMED', 'malformed CMS: not EnvelopedData or AuthEnvelopedData');
  return summary;
}

function checkCipher(ctx: Context, envelope: EnvelopedDataSummary): void {
  assertCipher(ctx.capabilities, envelope.cipher ?? envelope.cipherOid);
  // GCM belongs in AuthEnvelopedData (RFC 5084) and CBC in EnvelopedData; the mixes are refused.
  const authenticated = envelope.type === 'auth-enveloped-data';
  if (isAuthenticatedCipher(envelope.cipher ?? '') !== authenticated)
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `${envelope.cipher ?? envelope.cipherOid} is not supported inside ${authenticated ? 'AuthEnvelopedData' : 'EnvelopedData'}`);
}
