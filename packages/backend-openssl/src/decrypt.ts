import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { decryptionFailed, isSealpostError, throwIfAborted } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { certificatePem } from './certificates.js';
import { decryptContent } from './content-cipher.js';
import type { Context } from './context.js';
import { agreementPrimitives, kemPrimitives } from './key-agreement.js';
import { unwrapKey } from './key-transport.js';
import { checkKeyRef, inkeyArgument, passphraseFor } from './keys.js';
import { withPrivateDir } from './temp-dir.js';

const VERB = ['cms', '-decrypt'] as const;

/**
 * Core's CMS engine reads the envelope and answers every structural, capability and addressing
 * question exactly as for the other backends (a 1-octet GCM tag, a missing IV or a 16-octet nonce
 * never reaches openssl). Key transport then runs on primitives: `openssl pkeyutl -decrypt` for the
 * private-key operation, node:crypto for AES and 3DES, core's legacy ciphers for RC2 (so no legacy
 * provider is needed to read it). Key agreement, ECDH and X25519, runs on primitives too: `pkeyutl -derive`
 * for the private key, node:crypto for the AES key unwrap (key-agreement.ts). ML-KEM
 * (KEMRecipientInfo), which OpenSSL 3.0 has not at all, runs in-process: no process is started.
 */
export async function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  throwIfAborted(request.signal);
  const plan = kit.planDecryption(ctx.capabilities, request);
  checkKeyRef(request.privateKey);
  if (plan.kind === 'ktri' && plan.envelope.cipher !== null)
    return withPrivateDir(ctx.openssl.options.tempDir, (dir) =>
      kit.decryptPlanned({ unwrapKey: (input) => unwrapKey(ctx, dir, input), decryptContent: async (input) => decryptContent(input) }, plan, request),
    );
  if (plan.kind === 'kari')
    return withPrivateDir(ctx.openssl.options.tempDir, (dir) =>
      kit.decryptAgreed({ ...agreementPrimitives(ctx, dir), unwrapKey: unused, decryptContent: async (input) => decryptContent(input) }, plan, request),
    );
  if (plan.kind === 'kemri') return kit.decryptEncapsulated({ ...kemPrimitives(ctx), unwrapKey: unused, decryptContent: async (input) => decryptContent(input) }, plan, request);
  return decryptWithCms(ctx, plan, request);
}

const unused = (): Promise<Uint8Array> => Promise.reject(new TypeError('key agreement unwraps no key by key transport'));

/**
 * `openssl cms -decrypt -recip CERT -inkey KEY`. Every failure is the one `decryptionFailed()`,
 * without cause or stderr; the recovered content is taken only after exit code 0. With -recip given
 * and without -debug_decrypt, OpenSSL applies the RFC 3218 countermeasure for PKCS#1 v1.5 key
 * transport (CMS_decrypt(3)).
 */
async function decryptWithCms(ctx: Context, plan: kit.DecryptionPlan, request: DecryptRequest): Promise<DecryptResult> {
  const passphrase = await passphraseFor([request.privateKey], ctx.openssl.options);

  return withPrivateDir(ctx.openssl.options.tempDir, async (dir) => {
    const [certificatePath, inkey] = await Promise.all([dir.write('recipient.pem', certificatePem(plan.certificate.der)), inkeyArgument(request.privateKey, dir, 'recipient-key')]);
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
