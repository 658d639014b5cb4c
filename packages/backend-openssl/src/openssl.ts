import type { ResolvedOptions } from './options.js';
import { type ProcessExit, runProcess } from './process.js';

/** One openssl invocation: `openssl VERB... [provider options] ARGS... [-passin fd:3]`. */
export interface OpensslCommand {
  /** The command and its operation, e.g. ['cms', '-sign']; also names it in errors. */
  readonly verb: readonly string[];
  readonly args: readonly string[];
  /** Whether `-provider-path`, `-provider` and `-propquery` are added (every command but `version`). */
  readonly providers: boolean;
  readonly stdin?: Uint8Array;
  /** A passphrase for the private key, sent through fd 3 (`-passin fd:3`), never in argv. */
  readonly passphrase?: string;
  readonly signal?: AbortSignal;
  /** The operation's temporary folder, hidden from error messages. */
  readonly tempPath?: string;
  /** Output cap for this command instead of options.maxOutputBytes (the capability probe's listings). */
  readonly maxOutputBytes?: number;
}

export interface Openssl {
  readonly options: ResolvedOptions;
  run(command: OpensslCommand): Promise<ProcessExit>;
}

export function opensslLabel(verb: readonly string[]): string {
  return `openssl ${verb.join(' ')}`;
}

export function createOpenssl(options: ResolvedOptions): Openssl {
  const providerArgs = [
    ...(options.providerPath === undefined ? [] : ['-provider-path', options.providerPath]),
    ...options.providers.flatMap((name) => ['-provider', name]),
    ...(options.propquery === undefined ? [] : ['-propquery', options.propquery]),
  ];
  return {
    options,
    run(command) {
      const passin = command.passphrase === undefined ? [] : ['-passin', 'fd:3'];
      return runProcess({
        file: options.binary,
        args: [...command.verb, ...(command.providers ? providerArgs : []), ...command.args, ...passin],
        env: options.env,
        timeoutMs: options.timeoutMs,
        maxOutputBytes: command.maxOutputBytes ?? options.maxOutputBytes,
        label: opensslLabel(command.verb),
        ...(command.stdin === undefined ? {} : { stdin: command.stdin }),
        ...(command.passphrase === undefined ? {} : { fd3: new TextEncoder().encode(`${command.passphrase}\n`) }),
        ...(command.signal === undefined ? {} : { signal: command.signal }),
        ...(command.tempPath === undefined ? {} : { redactPaths: [command.tempPath] }),
      });
    },
  };
}
