import { ROOT_HELP } from './help.js';

/**
 * Runs the command line and returns the exit status; never throws. The root's help, when it goes to
 * a pipe or a file, is printed from a static text, before anything else is loaded; everything else is
 * run.ts, which loads commander and the one command asked for.
 */
export async function main(argv: readonly string[]): Promise<number> {
  tolerateClosedStreams();
  const quick = staticHelp(argv);
  if (quick !== undefined) return quick;
  return (await import('./run.js')).run(argv);
}

/**
 * `sealpost`, `sealpost --help`, `-h` and `help`, with the exit status commander gives each. Not for a
 * terminal: there commander wraps the text to the terminal's width (run.ts, without loading a command).
 */
function staticHelp(argv: readonly string[]): number | undefined {
  if (argv.length === 0) return process.stderr.isTTY === true ? undefined : writeHelp(process.stderr, EXIT_USAGE);
  if (argv.length > 1 || process.stdout.isTTY === true) return undefined;
  if (argv[0] === '-h' || argv[0] === '--help') return writeHelp(process.stdout, EXIT_OK);
  // The help command shows the same text; commander counts it a usage error like a missing command.
  if (argv[0] === 'help') return writeHelp(process.stdout, EXIT_USAGE);
  return undefined;
}

// EXIT of errors.ts, which is not imported here: it loads @sealpost/core.
const EXIT_OK = 0;
const EXIT_USAGE = 2;

function writeHelp(stream: NodeJS.WriteStream, status: number): number {
  stream.write(ROOT_HELP);
  return status;
}

/**
 * A reader that goes away (`sealpost inspect | head -1`) makes stdout emit EPIPE; without a listener
 * Node would crash with a stack trace. The failed write itself is reported by writeStream.
 */
function tolerateClosedStreams(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

process.exitCode = await main(process.argv.slice(2));
