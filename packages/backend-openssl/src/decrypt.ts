import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { backendKit as kit, decryptionFailed, isSealpostError, throwIfAborted } from '@sealpost/core';
import { certificatePem } from './certificates.js';
import type { Context } from './context.js';
import { checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { withPrivateDir } from './temp-dir.js';

const VERB = ['cms', '-decrypt'] as const;

/**
 * `openssl cms -decrypt -recip CERT -inkey KEY`, after core's CMS engine has read the envelope and
 * answered every structural, capability and addressing question exactly as for the other backends
 * (a 1-octet GCM tag, a missing IV or a 16-octet nonce never reaches openssl). Once openssl runs,
 * every failure is the one `decryptionFailed()`, without cause or stderr; the recovered content is
 * taken only after exit code 0.
 *
 * With -recip given and without -debug_decrypt, OpenSSL applies the RFC 3218 countermeasure for
 * PKCS#1 v1.5 key transport (CMS_decrypt(3)): a key that fails to decrypt is replaced by a random
 * one and decryption goes on, so a bad padding only shows as content that does not decrypt.
 */
export async function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  throwIfAborted(request.signal);
  const plan = kit.planDecryption(ctx.capabilities, request);
  checkKeyRef(request.privateKey);
  // RFC 5084: the tag is exactly aes-ICVlen octets; OpenSSL would compare a shorter one as a prefix.
  const parameters = plan.envelope.parameters;
  if (parameters?.mode === 'gcm' && plan.envelope.mac?.length !== parameters.icvLength) throw decryptionFailed();
  const passphrase = await passphraseFor([request.privateKey], ctx.openssl.options);

  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const [certificatePath, inkey] = await Promise.all([
      dir.write('recipient.pem', certificatePem(plan.certificate.der)),
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
