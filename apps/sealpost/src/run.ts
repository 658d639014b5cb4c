import { CommanderError } from 'commander';
import { EXIT, debugEnabled, errorLine, oneLine } from './errors.js';
import { buildHelpProgram, buildProgram, isCommandName } from './program.js';
import { refuseSecretFlags } from './secrets.js';

/** Runs the command line and returns the exit status; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.length === 0) {
    buildHelpProgram().outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    refuseSecretFlags(argv);
    const program = await programFor(argv);
    process.exitCode = undefined;
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportFailure(error);
  }
}

/**
 * The root's help needs no command; a command named first needs only itself. Anything else (an
 * unknown command, which gets a suggestion, `help verify`, options before the command) gets the whole
 * tree, so commander answers it exactly as it always has.
 */
async function programFor(argv: readonly string[]) {
  if (argv.length === 1 && ['-h', '--help', 'help'].includes(argv[0]!)) return buildHelpProgram();
  if (isCommandName(argv[0])) return buildProgram([argv[0]!]);
  return buildProgram();
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
