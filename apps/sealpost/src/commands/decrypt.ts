import type { Command } from 'commander';
import { createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT } from '../errors.js';
import { type IdentityFlags, loadIdentity } from '../identity.js';
import { readInput, writeOutput, writeStream } from '../io.js';
import { type BackendFlags, type InOutFlags, backendOption, identityOptions, inOutOptions } from '../options.js';
import { renderDecrypt, toJson, withoutContent } from '../report.js';

export interface DecryptFlags extends BackendFlags, InOutFlags, IdentityFlags {
  readonly requireAuthenticated?: boolean;
  readonly legacy?: boolean;
  readonly json?: boolean;
}

export function addDecryptCommand(program: Command): void {
  const cmd = program
    .command('decrypt')
    .summary('decrypt one encrypted layer; exit 0 only if it decrypted')
    .description(
      'Decrypt the outer encrypted layer of a message. The decrypted message goes to stdout (or --out) and the report to stderr; with --json the report goes to stdout and the message only to --out. CBC encryption is readable but reported as not authenticated; --require-authenticated refuses it.',
    );
  identityOptions(cmd, false);
  cmd
    .option('--require-authenticated', 'refuse encryption that is not authenticated (anything but AES-GCM)')
    .option('--legacy', 'read old archives: 3DES and RC2 content (refused otherwise)')
    .option('--json', 'print the report as JSON; it is then the only thing on stdout');
  inOutOptions(cmd, 'the decrypted message');
  backendOption(cmd);
  cmd.action(async (flags: DecryptFlags) => {
    process.exitCode = await runDecrypt(flags);
  });
}

async function runDecrypt(flags: DecryptFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const identity = await loadIdentity(flags);
  const message = await readInput(flags.in);
  const report = await sealpost.decrypt(message, {
    identity,
    requireAuthenticated: flags.requireAuthenticated === true,
    ...(flags.legacy === true ? { policy: { legacy: true } } : {}),
  });
  const decrypted = report.status === 'decrypted' && report.content !== undefined;
  if (flags.json === true) {
    if (decrypted && flags.out !== undefined) await writeOutput(report.content!, flags.out);
    await writeStream(process.stdout, toJson(withoutContent(report)));
  } else {
    if (decrypted) await writeOutput(report.content!, flags.out);
    await writeStream(process.stderr, renderDecrypt(report));
  }
  return decrypted ? EXIT.ok : EXIT.negative;
}
