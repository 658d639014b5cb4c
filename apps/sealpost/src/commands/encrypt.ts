import type { Command } from 'commander';
import { createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT, usageError } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { readInput, writeOutput, writeStream } from '../io.js';
import { type BackendFlags, type HeaderProtectionFlags, type InOutFlags, backendOption, encryptionOptions, headerProtectionFlags, headerProtectionOptions, inOutOptions } from '../options.js';
import { type CipherFlags, planEncryption, renderEncryption } from '../recipient-ciphers.js';
import { toJson } from '../report.js';

export interface EncryptFlags extends BackendFlags, InOutFlags, CipherFlags, HeaderProtectionFlags {
  readonly to: readonly string[];
  readonly oaep?: boolean;
  readonly json?: boolean;
}

export function addEncryptCommand(program: Command): void {
  const cmd = program
    .command('encrypt')
    .summary('encrypt a message to one or more recipients')
    .description(
      'Encrypt a message to each --to certificate: AuthEnvelopedData for GCM ciphers, EnvelopedData for CBC. Header fields (From, To, Subject) stay readable outside, unless --protect-headers hides the Subject (RFC 9788). The cipher is the strongest every recipient advertised (in signed mail kept in --keystore, or in its certificate); a recipient whose capabilities are unknown gets AES-256-CBC (or --cipher-unknown), since not every client reads GCM. The report (which cipher, and what was known of each recipient) goes to stderr; with --json to stdout.',
    );
  encryptionOptions(cmd, true);
  headerProtectionOptions(cmd, true);
  inOutOptions(cmd, 'the encrypted message');
  backendOption(cmd);
  cmd.action(async (flags: EncryptFlags) => {
    process.exitCode = await runEncrypt(flags);
  });
}

async function runEncrypt(flags: EncryptFlags): Promise<number> {
  if (flags.json === true && flags.out === undefined) throw usageError('--json prints the report on stdout: give --out FILE for the encrypted message');
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const recipients = await loadCertificateFiles(flags.to, 'recipient certificate');
  const keyTransport = flags.oaep === true ? 'rsa-oaep' : 'rsa-pkcs1';
  const plan = await planEncryption(recipients, flags, keyTransport);
  const message = await readInput(flags.in);
  const encrypted = await sealpost.encrypt(message, { recipients, cipher: plan.cipher, keyTransport, ...headerProtectionFlags(flags) });
  await writeOutput(encrypted, flags.out);
  if (flags.json === true) await writeStream(process.stdout, toJson(plan));
  else await writeStream(process.stderr, renderEncryption('encrypt', plan));
  return EXIT.ok;
}
