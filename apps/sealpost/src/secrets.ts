import { CliError, usageError } from './errors.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A secret (API key, webhook token, password) from the environment. Secrets never come from the
 * command line, where `ps` and shell history would show them to anyone on the machine.
 */
export function secretFromEnv(variable: string, what: string, flag?: string): string {
  checkVariableName(variable, flag ?? 'the variable');
  const value = process.env[variable];
  if (value === undefined || value === '') throw new CliError('ERR_SECRET_MISSING', `environment variable ${variable} (${what}) is not set`);
  return value;
}

/**
 * A flag that names an environment variable must be given a name. Something else is likely the
 * secret itself typed in by mistake, so it is never repeated in the error.
 */
export function checkVariableName(variable: string, flag: string): void {
  if (!VARIABLE_NAME.test(variable)) throw usageError(`${flag} takes the name of an environment variable (like MY_SECRET), not the secret itself`);
}

/** Flags that would carry a secret on the command line, and where the secret goes instead. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  '--api-key': 'set SPARKPOST_API_KEY in the environment',
  '--sparkpost-api-key': 'set SPARKPOST_API_KEY in the environment',
  '--password': 'put the password in SMTP_URL (smtp://user:pass@host:587) or SMTP_PASSWORD in the environment',
  '--smtp-password': 'put the password in SMTP_URL (smtp://user:pass@host:587) or SMTP_PASSWORD in the environment',
  '--smtp-pass': 'put the password in SMTP_URL (smtp://user:pass@host:587) or SMTP_PASSWORD in the environment',
  '--token': 'name an environment variable holding it with --token-env VAR',
};

/**
 * Refuses, before anything else is read, a command line that carries a secret: naming the flag is
 * more helpful than "unknown option", and the refusal says where the secret belongs.
 */
export function refuseSecretFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const flag = arg.split('=', 1)[0]!;
    const instead = SECRET_FLAGS[flag];
    if (instead !== undefined) throw usageError(`${flag}: secrets are never taken from the command line, where ps and shell history show them; ${instead}`);
  }
}
