import type { Command } from 'commander';
import { createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT, usageError } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { readInput, writeOutput, writeStream } from '../io.js';
import { loadCrlFiles } from '../crl-files.js';
import { type BackendFlags, type InOutFlags, type PolicyFlags, backendOption, collect, inOutOptions, policyFlags, trustOptions, verificationTimeFlag } from '../options.js';
import { renderVerify, toJson, withoutContent } from '../report.js';

export interface VerifyFlags extends BackendFlags, InOutFlags, PolicyFlags {
  readonly trust?: readonly string[];
  readonly cert?: readonly string[];
  readonly intermediate?: readonly string[];
  readonly crl?: readonly string[];
  readonly at?: string;
  readonly json?: boolean;
}

export function addVerifyCommand(program: Command): void {
  const cmd = program
    .command('verify')
    .summary('verify a signed message; exit 0 only if it is valid')
    .description(
      'Verify a signed message against your trust anchors and print a report. Valid means: every signature verifies, the chain reaches a --trust anchor, the certificates are in date and allowed for e-mail, and a signer certificate names the From address. With --out, the verified content (exactly the signed bytes) is written only when the message is valid.',
    );
  trustOptions(cmd, 'to accept');
  cmd.option('--cert <file>', 'same as --intermediate', collect);
  inOutOptions(cmd, 'the verified content (only when valid)');
  backendOption(cmd);
  cmd.action(async (flags: VerifyFlags) => {
    process.exitCode = await runVerify(flags);
  });
}

async function runVerify(flags: VerifyFlags): Promise<number> {
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  if (flags.trust === undefined || flags.trust.length === 0) throw usageError('verify needs at least one --trust CA certificate');
  const trustAnchors = await loadCertificateFiles(flags.trust, 'trust anchor');
  const certificates = await loadCertificateFiles([...(flags.intermediate ?? []), ...(flags.cert ?? [])], 'intermediate certificate');
  const crls = await loadCrlFiles(flags.crl ?? []);
  const message = await readInput(flags.in);
  const report = await sealpost.verify(message, {
    trustAnchors,
    certificates,
    ...(crls.length === 0 ? {} : { crls }),
    ...verificationTimeFlag(flags.at),
    ...policyFlags(flags),
  });
  const valid = report.status === 'valid';
  if (valid && flags.out !== undefined && report.content !== undefined) await writeOutput(report.content, flags.out);
  await writeStream(process.stdout, flags.json === true ? toJson(withoutContent(report)) : renderVerify(report));
  return valid ? EXIT.ok : EXIT.negative;
}
