import { run } from './run.js';

/**
 * Runs the command line and returns the exit status; never throws. The root help into a pipe or a
 * file never gets here: bin/sealpost.js prints it from bin/help.txt. run.ts loads commander and only
 * the command asked for.
 */
export async function main(argv: readonly string[]): Promise<number> {
  tolerateClosedStreams();
  return run(argv);
}

/**
 * A reader that goes away (`sealpost inspect | head -1`) makes stdout emit EPIPE; without a listener
 * Node would crash with a stack trace. The failed write itself is reported by writeStream.
 */
function tolerateClosedStreams(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

process.exitCode = await main(process.argv.slice(2));
