import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addDecryptCommand } from './commands/decrypt.js';
import { addDemoCommand } from './commands/demo.js';
import { addEncryptCommand } from './commands/encrypt.js';
import { addInspectCommand } from './commands/inspect.js';
import { addKeygenCommand } from './commands/keygen.js';
import { addKeysCommand } from './commands/keys.js';
import { addOpenCommand } from './commands/open.js';
import { addSendCommand } from './commands/send.js';
import { addServeCommand } from './commands/serve.js';
import { addSignEncryptCommand } from './commands/sign-encrypt.js';
import { addSignCommand } from './commands/sign.js';
import { addVerifyCommand } from './commands/verify.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * The `sealpost` command tree. Commander's own exits are turned into exceptions (exitOverride) and its
 * error printing is silenced, so main.ts decides every exit status and prints every error line.
 */
export function buildProgram(): Command {
  const program = new Command('sealpost')
    .description('Sign, encrypt, send, verify and open S/MIME e-mail (RFC 8551), and collect recipients\' certificates.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit status: 0 good verdict (send: every recipient accepted), 1 negative verdict (send: some not), 2 usage error or unreadable input.\nStart with: sealpost demo',
    );
  addKeygenCommand(program);
  addSignCommand(program);
  addEncryptCommand(program);
  addSignEncryptCommand(program);
  addVerifyCommand(program);
  addDecryptCommand(program);
  addOpenCommand(program);
  addInspectCommand(program);
  addSendCommand(program);
  addServeCommand(program);
  addKeysCommand(program);
  addDemoCommand(program);
  return program;
}
