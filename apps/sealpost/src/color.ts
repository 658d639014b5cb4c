/**
 * Colour for verdicts, where a person reads them: green for a good verdict, red for a broken
 * signature or a failed decryption, yellow for the rest (untrusted, not signed, partly signed or
 * encrypted). Only ever on a terminal unless asked for, so a pipe, a file or a log gets plain text.
 */

/** `--color` (always), `--no-color` (never), or neither. */
export type ColorChoice = 'always' | 'never' | undefined;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The decision, in the order users expect it: a flag on this command line wins; then FORCE_COLOR
 * (`0` or `false` turn colour off, any other value on, as Node and chalk read it); then NO_COLOR or
 * NODE_DISABLE_COLORS when set to anything but the empty string (no-color.org); then a terminal
 * that is not "dumb".
 */
export function colorEnabled(choice: ColorChoice, env: Env, isTTY: boolean): boolean {
  if (choice !== undefined) return choice === 'always';
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (isSet(env['NO_COLOR']) || isSet(env['NODE_DISABLE_COLORS'])) return false;
  return isTTY && env['TERM'] !== 'dumb';
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

let choice: ColorChoice;

/** Set once from the command line, before the command runs (program.ts). */
export function setColorChoice(value: ColorChoice): void {
  choice = value;
}

/** Whether what is written to `stream` gets colour. */
export function colorFor(stream: NodeJS.WritableStream & { isTTY?: boolean }): boolean {
  return colorEnabled(choice, process.env, stream.isTTY === true);
}

const GOOD = new Set(['valid', 'decrypted']);
const BAD = new Set(['invalid', 'failed']);
const SGR = { green: 32, red: 31, yellow: 33 } as const;

/** The colour of a verdict word, as docs/cli.md lists them. */
export function verdictColor(status: string): keyof typeof SGR {
  if (GOOD.has(status)) return 'green';
  if (BAD.has(status)) return 'red';
  return 'yellow';
}

/** `status` in its colour when `on`, else unchanged. */
export function paintVerdict(status: string, on: boolean): string {
  return on ? `\x1b[${SGR[verdictColor(status)]}m${status}\x1b[39m` : status;
}
