import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { type ColorChoice, setColorChoice } from './color.js';
import { COMMAND_LIST, HELP_AFTER, PROGRAM_DESCRIPTION } from './help.js';

type AddCommand = (program: Command) => void;

/**
 * Each command's module, imported only when that command runs: `sealpost verify` loads neither the
 * transports, nor the key stores, nor the HTTP server. The order of help is COMMAND_LIST's.
 */
const COMMANDS: Readonly<Record<string, () => Promise<AddCommand>>> = {
  keygen: async () => (await import('./commands/keygen.js')).addKeygenCommand,
  sign: async () => (await import('./commands/sign.js')).addSignCommand,
  encrypt: async () => (await import('./commands/encrypt.js')).addEncryptCommand,
  'sign-encrypt': async () => (await import('./commands/sign-encrypt.js')).addSignEncryptCommand,
  verify: async () => (await import('./commands/verify.js')).addVerifyCommand,
  decrypt: async () => (await import('./commands/decrypt.js')).addDecryptCommand,
  open: async () => (await import('./commands/open.js')).addOpenCommand,
  inspect: async () => (await import('./commands/inspect.js')).addInspectCommand,
  send: async () => (await import('./commands/send.js')).addSendCommand,
  worker: async () => (await import('./commands/worker.js')).addWorkerCommand,
  campaign: async () => (await import('./commands/campaign.js')).addCampaignCommand,
  serve: async () => (await import('./commands/serve.js')).addServeCommand,
  keys: async () => (await import('./commands/keys.js')).addKeysCommand,
  demo: async () => (await import('./commands/demo.js')).addDemoCommand,
};

export function isCommandName(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * The `sealpost` command tree with the commands named (every command when none is), in help's order.
 * Commander's own exits are turned into exceptions (exitOverride) and its error printing is silenced,
 * so main.ts decides every exit status and prints every error line.
 */
export async function buildProgram(names: readonly string[] = COMMAND_LIST.map((c) => c.name)): Promise<Command> {
  const program = rootCommand();
  const adders = await Promise.all(COMMAND_LIST.filter((c) => names.includes(c.name)).map((c) => COMMANDS[c.name]!()));
  for (const add of adders) add(program);
  return program;
}

/**
 * The root alone, for its help at a terminal's width: each command is a placeholder with the summary
 * and term of COMMAND_LIST, so no command module is loaded and the text is the one buildProgram()'s
 * commander would print.
 */
export function buildHelpProgram(): Command {
  const program = rootCommand();
  const terms = new Map(COMMAND_LIST.map((c) => [c.name, c.term]));
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
  for (const c of COMMAND_LIST) program.command(c.name).summary(c.summary);
  return program;
}

/**
 * `--color` and `--no-color` belong to the root, so they are taken anywhere on the command line
 * (commander reads the root's options after a command too); the choice is set before any command
 * runs. Neither given leaves the decision to the environment and the terminal (color.ts).
 */
function rootCommand(): Command {
  return new Command('sealpost')
    .description(PROGRAM_DESCRIPTION)
    .version(packageVersion(), '-V, --version')
    .option('--color', 'colour verdicts even when not writing to a terminal')
    .option('--no-color', 'never colour verdicts (also: NO_COLOR=1 in the environment)')
    .hook('preAction', (root) => setColorChoice(colorChoiceOf(root.opts()['color'])))
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', HELP_AFTER);
}

function colorChoiceOf(value: unknown): ColorChoice {
  if (value === true) return 'always';
  if (value === false) return 'never';
  return undefined;
}
