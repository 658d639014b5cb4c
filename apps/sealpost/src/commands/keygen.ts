import { type Command, Option } from 'commander';
import type { TestKeyType } from '@sealpost/core/testing';
import { EXIT } from '../errors.js';
import { passphraseFromEnv } from '../identity.js';
import { writeStream } from '../io.js';
import { writeTestIdentity } from '../keygen.js';
import { KEY_TYPES } from '../options.js';

export interface KeygenFlags {
  readonly email: string;
  readonly out: string;
  readonly ca?: string;
  readonly keyType?: TestKeyType;
  readonly passEnv?: string;
}

export function addKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .summary('make a test identity (and a test CA)')
    .description(
      'Make a test certificate and key for an e-mail address: DIR/ADDRESS.crt, DIR/ADDRESS.key (mode 0600) and DIR/ADDRESS.p12 (mode 0600; protected by --pass-env, else with the empty password). Without --ca a new test CA is made first (DIR/ca.crt, DIR/ca.key). With --key-type ed25519 the certificate signs only, so an X25519 encryption certificate is made with it (DIR/ADDRESS.enc.crt, .enc.key, .enc.p12), as RFC 9216 pairs them. For tests and demos only: real mail needs a certificate from a CA your recipients trust.',
    )
    .requiredOption('--email <address>', 'the address the certificate is issued to')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--ca <dir>', 'issue with the test CA in DIR (DIR/ca.crt and DIR/ca.key) instead of making one')
    .addOption(new Option('--key-type <type>', 'key type').choices(KEY_TYPES))
    .option('--pass-env <var>', 'name of the environment variable holding the .p12 passphrase (without it the .p12 has the empty password)')
    .action(async (flags: KeygenFlags) => {
      const result = await writeTestIdentity({
        email: flags.email,
        outDir: flags.out,
        caDir: flags.ca,
        keyType: flags.keyType,
        p12Passphrase: passphraseFromEnv(flags.passEnv),
      });
      const lines = [
        result.caKey === undefined ? `issued by ${result.caCert}` : `new test CA  ${result.caCert}`,
        ...(result.caKey === undefined ? [] : [`CA key       ${result.caKey} (0600)`]),
        `certificate  ${result.cert}`,
        `private key  ${result.key} (0600)`,
        result.p12Unprotected ? `PKCS#12      ${result.p12} (0600, empty password: pass --pass-env VAR to protect it)` : `PKCS#12      ${result.p12} (0600)`,
        ...(result.encryption === undefined ? [] : [`encryption   ${result.encryption.cert} (X25519; key ${result.encryption.key}, PKCS#12 ${result.encryption.p12}, both 0600)`]),
      ];
      await writeStream(process.stdout, lines.join('\n') + '\n');
      process.exitCode = EXIT.ok;
    });
}
