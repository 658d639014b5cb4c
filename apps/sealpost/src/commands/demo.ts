import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { writeStream } from '../io.js';
import { type BackendFlags, backendOption } from '../options.js';

export function addDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .summary('the whole story in a few seconds, on this machine')
    .description(
      "Everything on loopback, in a temporary folder removed afterwards: make a test CA and identities for Alice, Bob, Mallory and Carol, each naming the CA's CRL, served over HTTP; Bob's signed mail reaches the key collector as a SparkPost relay-webhook batch over HTTP and his certificate is stored (Mallory's look-alike is not); Alice sends Bob a signed and encrypted message through the SparkPost transport (to a local Transmissions API server) and the SMTP transport (to a local SMTP server with STARTTLS); Bob opens both copies with every backend; a tampered copy and a forged sender are caught, and so is mail signed with Carol's stolen key, whose certificate the CA has revoked (ERR_CERTIFICATE_REVOKED, from the CRL at her certificate's distribution point). --backend picks the backend that signs and encrypts. Exits 1 if any outcome is not the expected one.",
    );
  backendOption(cmd);
  cmd.action(async (flags: BackendFlags) => {
    const { runDemo } = await import('../demo/run.js');
    const failures = await runDemo(flags.backend, (text) => writeStream(process.stdout, text));
    for (const failure of failures) await writeStream(process.stderr, `sealpost: demo: ${failure} [ERR_DEMO_FAILED]\n`);
    process.exitCode = failures.length === 0 ? EXIT.ok : EXIT.negative;
  });
}
