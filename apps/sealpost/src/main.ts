import { CommanderError } from 'commander';
import { EXIT, debugEnabled, errorLine, oneLine } from './errors.js';
import { tolerateClosedStreams } from './io.js';
import { buildProgram } from './program.js';
import { refuseSecretFlags } from './secrets.js';

/** Runs the command line and returns the exit status; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  tolerateClosedStreams();
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    refuseSecretFlags(argv);
    process.exitCode = undefined;
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) return commanderExit(error);
  process.stderr.write(`${errorLine(error)}\n`);
  if (debugEnabled()) process.stderr.write(`${debugDetail(error)}\n`);
  return EXIT.usage;
}

/** Help and version are successes; help shown for a missing command, and every parse error, are usage errors. */
function commanderExit(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
  if (error.code === 'commander.help') return EXIT.usage;
  process.stderr.write(`sealpost: ${oneLine(error.message.replace(/^error: /, ''))} [ERR_USAGE]\n`);
  return EXIT.usage;
}

function debugDetail(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  }
  return parts.join('\ncaused by: ');
}

process.exitCode = await main(process.argv.slice(2));
