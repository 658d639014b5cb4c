import type { Command } from 'commander';
import { type ContentCipher, createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { readInput, writeOutput } from '../io.js';
import { type BackendFlags, type InOutFlags, backendOption, encryptionOptions, inOutOptions } from '../options.js';

export interface EncryptFlags extends BackendFlags, InOutFlags {
  readonly to: readonly string[];
  readonly cipher: ContentCipher;
  readonly oaep?: boolean;
}

export function addEncryptCommand(program: Command): void {
  const cmd = program
    .command('encrypt')
    .summary('encrypt a message to one or more recipients')
    .description('Encrypt a message to each --to certificate: AuthEnvelopedData for GCM ciphers, EnvelopedData for CBC. Header fields (From, To, Subject) stay readable outside.');
  encryptionOptions(cmd, true);
  inOutOptions(cmd, 'the encrypted message');
  backendOption(cmd);
  cmd.action(async (flags: EncryptFlags) => {
    process.exitCode = await runEncrypt(flags);
  });
}

async function runEncrypt(flags: EncryptFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const recipients = await loadCertificateFiles(flags.to, 'recipient certificate');
  const message = await readInput(flags.in);
  const encrypted = await sealpost.encrypt(message, {
    recipients,
    cipher: flags.cipher,
    keyTransport: flags.oaep === true ? 'rsa-oaep' : 'rsa-pkcs1',
  });
  await writeOutput(encrypted, flags.out);
  return EXIT.ok;
}
