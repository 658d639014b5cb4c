import type { Command } from 'commander';
import { type ContentCipher, type DigestAlgorithm, createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { type IdentityFlags, loadIdentity } from '../identity.js';
import { readInput, writeOutput } from '../io.js';
import { type BackendFlags, type InOutFlags, backendOption, encryptionOptions, identityOptions, inOutOptions, signingOptions } from '../options.js';

export interface SignEncryptFlags extends BackendFlags, InOutFlags, IdentityFlags {
  readonly opaque?: boolean;
  readonly digest: DigestAlgorithm;
  readonly to?: readonly string[];
  readonly cipher: ContentCipher;
  readonly oaep?: boolean;
  readonly self: boolean;
}

export function addSignEncryptCommand(program: Command): void {
  const cmd = program
    .command('sign-encrypt')
    .summary('sign a message, then encrypt it')
    .description("Sign a message with your identity, then encrypt the signed entity to each --to certificate and, unless --no-self, to your own certificate so your sent copy stays readable.");
  identityOptions(cmd, false);
  signingOptions(cmd);
  encryptionOptions(cmd, false);
  cmd.option('--no-self', 'do not encrypt to your own certificate');
  inOutOptions(cmd, 'the signed and encrypted message');
  backendOption(cmd);
  cmd.action(async (flags: SignEncryptFlags) => {
    process.exitCode = await runSignEncrypt(flags);
  });
}

async function runSignEncrypt(flags: SignEncryptFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const signer = await loadIdentity(flags);
  const others = await loadCertificateFiles(flags.to ?? [], 'recipient certificate');
  const recipients = flags.self ? withoutDuplicates([...others, signer.certificate]) : others;
  const message = await readInput(flags.in);
  const sealed = await sealpost.signAndEncrypt(message, {
    signer,
    detached: flags.opaque !== true,
    digest: flags.digest,
    recipients,
    cipher: flags.cipher,
    keyTransport: flags.oaep === true ? 'rsa-oaep' : 'rsa-pkcs1',
  });
  await writeOutput(sealed, flags.out);
  return EXIT.ok;
}

/** Recipients listed twice would get two RecipientInfos for one key: harmless, but noise. */
function withoutDuplicates(certs: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const key = Buffer.from(c).toString('base64');
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
