import type { Command } from 'commander';
import { describeMessage, renderDescription } from '../describe.js';
import { EXIT } from '../errors.js';
import { readInput, writeStream } from '../io.js';
import { toJson } from '../report.js';

export interface InspectFlags {
  readonly in?: string;
  readonly json?: boolean;
}

export function addInspectCommand(program: Command): void {
  program
    .command('inspect')
    .summary('show the MIME tree and what each S/MIME part contains')
    .description(
      'Show the structure of a message: every MIME part with its path, content type and size, and for S/MIME parts the CMS summary (signers with digest, signature algorithm and signing time; cipher; recipients and key transport). Nothing is decrypted or verified.',
    )
    .option('--in <file>', 'read the message from FILE instead of stdin')
    .option('--json', 'print the tree as JSON')
    .action(async (flags: InspectFlags) => {
      const description = describeMessage(await readInput(flags.in));
      await writeStream(process.stdout, flags.json === true ? toJson(description) : renderDescription(description));
      process.exitCode = EXIT.ok;
    });
}
