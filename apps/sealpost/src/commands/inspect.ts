import type { Command } from 'commander';
import { describeMessage, renderDescription } from '../describe.js';
import { describeFile, renderFileDescription } from '../describe-file.js';
import { isPkcs12 } from '../describe-pkcs12.js';
import { withFileContext } from '../certificate-files.js';
import { EXIT } from '../errors.js';
import { passphraseFromEnv } from '../identity.js';
import { readInput, writeStream } from '../io.js';
import { toJson } from '../report.js';

export interface InspectFlags {
  readonly in?: string;
  readonly json?: boolean;
  readonly passEnv?: string;
}

export function addInspectCommand(program: Command): void {
  program
    .command('inspect')
    .summary('show the MIME tree and what each S/MIME part contains')
    .description(
      'Show the structure of a message: every MIME part with its path, content type and size, and for S/MIME parts the CMS summary (signers with digest, signature algorithm and signing time; cipher; recipients and key transport). Nothing is decrypted or verified. Given a certificate (PEM or DER), a .p12 or a private key file instead, say what it holds: subject, issuer, serial, validity, addresses, key type and SHA-256 fingerprint; for a .p12, what can be seen without the passphrase, and the rest with --pass-env.',
    )
    .option('--in <file>', 'read the message (or certificate, .p12, key) from FILE instead of stdin')
    .option('--pass-env <var>', 'the environment variable holding the passphrase of a .p12, to see the certificates and key it encrypts')
    .option('--json', 'print the tree (or the description) as JSON')
    .action(async (flags: InspectFlags) => {
      const bytes = await readInput(flags.in);
      const passphrase = passphraseFromEnv(flags.passEnv);
      const what = isPkcs12(bytes) ? 'PKCS#12 file' : 'file';
      const file = await withFileContext(flags.in ?? '(stdin)', what, () => describeFile(bytes, passphrase));
      if (file !== undefined) {
        await writeStream(process.stdout, flags.json === true ? toJson(file) : renderFileDescription(file));
      } else {
        const description = describeMessage(bytes);
        await writeStream(process.stdout, flags.json === true ? toJson(description) : renderDescription(description));
      }
      process.exitCode = EXIT.ok;
    });
}
