import type { Command } from 'commander';
import { createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { runDemo } from '../demo/run.js';
import { EXIT } from '../errors.js';
import { writeStream } from '../io.js';
import { type BackendFlags, backendOption } from '../options.js';

export function addDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .summary('the whole story in a few seconds, on this machine')
    .description(
      'Make a test CA and identities for Alice and Bob in a temporary folder, sign and encrypt a message from Alice to Bob, open it as Bob, then show that a tampered copy and a message whose From names someone else are caught. Exits 1 if any outcome is not the expected one.',
    );
  backendOption(cmd);
  cmd.action(async (flags: BackendFlags) => {
    const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
    const failures = await runDemo(sealpost, (text) => writeStream(process.stdout, text));
    for (const failure of failures) await writeStream(process.stderr, `sealpost: demo: ${failure} [ERR_DEMO_FAILED]\n`);
    process.exitCode = failures.length === 0 ? EXIT.ok : EXIT.negative;
  });
}
