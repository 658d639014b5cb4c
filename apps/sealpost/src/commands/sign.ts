import type { Command } from 'commander';
import { type DigestAlgorithm, createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT } from '../errors.js';
import { type IdentityFlags, loadIdentity } from '../identity.js';
import { readInput, writeOutput } from '../io.js';
import { type BackendFlags, type HeaderProtectionFlags, type InOutFlags, backendOption, headerProtectionOptions, identityOptions, inOutOptions, signingOptions } from '../options.js';

export interface SignFlags extends BackendFlags, InOutFlags, IdentityFlags, HeaderProtectionFlags {
  readonly opaque?: boolean;
  /** Core's default when absent: SHA-256, or SHA-512 for an Ed25519 key. */
  readonly digest?: DigestAlgorithm;
  readonly pss?: boolean;
}

export function addSignCommand(program: Command): void {
  const cmd = program
    .command('sign')
    .summary('sign a message (detached multipart/signed, or opaque)')
    .description(
      'Sign a whole RFC 822 message with your certificate and key. The message header fields stay outside the signature (with --protect-headers, a copy goes inside too); the content entity is signed exactly as sent (CRLF, base64 where needed).',
    );
  identityOptions(cmd, false);
  signingOptions(cmd);
  headerProtectionOptions(cmd, false);
  inOutOptions(cmd, 'the signed message');
  backendOption(cmd);
  cmd.action(async (flags: SignFlags) => {
    process.exitCode = await runSign(flags);
  });
}

async function runSign(flags: SignFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const signer = await loadIdentity(flags);
  const message = await readInput(flags.in);
  const signed = await sealpost.sign(message, {
    signer,
    detached: flags.opaque !== true,
    ...(flags.digest === undefined ? {} : { digest: flags.digest }),
    ...(flags.pss === true ? { scheme: 'rsa-pss' as const } : {}),
    ...(flags.protectHeaders === undefined ? {} : { headerProtection: 'sign-only' as const }),
  });
  await writeOutput(signed, flags.out);
  return EXIT.ok;
}
