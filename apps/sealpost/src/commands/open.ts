import type { Command } from 'commander';
import { type OpenReport, createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { type IdentityFlags, loadIdentities } from '../identity.js';
import { readInput, writeOutput, writeStream } from '../io.js';
import { loadCrlFiles } from '../crl-files.js';
import { type BackendFlags, type InOutFlags, type PolicyFlags, backendOption, identityOptions, inOutOptions, policyFlags, trustOptions, verificationTimeFlag } from '../options.js';
import { renderOpen, toJson, withoutContent } from '../report.js';

export interface OpenFlags extends BackendFlags, InOutFlags, IdentityFlags, PolicyFlags {
  readonly trust?: readonly string[];
  readonly intermediate?: readonly string[];
  readonly crl?: readonly string[];
  readonly requireAuthenticated?: boolean;
  readonly at?: string;
  readonly json?: boolean;
}

export function addOpenCommand(program: Command): void {
  const cmd = program
    .command('open')
    .summary('decrypt and verify every layer; exit 0 only if valid or decrypted')
    .description(
      'Remove every signed and encrypted layer, outermost first, and report each one. The opened message goes to stdout (or --out) and the report to stderr; with --json the report goes to stdout and the message only to --out. Nothing is written unless the result is good: valid, or decrypted when the message was encrypted but not signed.',
    );
  identityOptions(cmd, true);
  trustOptions(cmd, 'for signed layers');
  cmd.option('--require-authenticated', 'refuse encryption that is not authenticated (anything but AES-GCM)');
  inOutOptions(cmd, 'the opened message');
  backendOption(cmd);
  cmd.action(async (flags: OpenFlags) => {
    process.exitCode = await runOpen(flags);
  });
}

/** Good outcomes: a valid signature, or a message that was only encrypted and decrypted fine. */
export function isGoodOpen(report: OpenReport): boolean {
  return (report.status === 'valid' || report.status === 'decrypted') && report.content !== undefined;
}

async function runOpen(flags: OpenFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const identities = await loadIdentities(flags);
  const trustAnchors = await loadCertificateFiles(flags.trust ?? [], 'trust anchor');
  const certificates = await loadCertificateFiles(flags.intermediate ?? [], 'intermediate certificate');
  const crls = await loadCrlFiles(flags.crl ?? []);
  const message = await readInput(flags.in);
  const report = await sealpost.open(message, {
    identities,
    trustAnchors,
    certificates,
    ...(crls.length === 0 ? {} : { crls }),
    requireAuthenticated: flags.requireAuthenticated === true,
    ...verificationTimeFlag(flags.at),
    ...policyFlags(flags),
  });
  const good = isGoodOpen(report);
  if (flags.json === true) {
    if (good && flags.out !== undefined) await writeOutput(report.content!, flags.out);
    await writeStream(process.stdout, toJson(withoutContent(report)));
  } else {
    if (good) await writeOutput(report.content!, flags.out);
    await writeStream(process.stderr, renderOpen(report));
  }
  return good ? EXIT.ok : EXIT.negative;
}
