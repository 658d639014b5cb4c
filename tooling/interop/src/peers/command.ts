import { runProcess, type ProcessResult } from '@sealpost/fixtures';

const PEER_TIMEOUT_MS = 60_000;

/** A producing peer command that did not exit 0. */
export class PeerCommandError extends Error {
  override readonly name = 'PeerCommandError';
  readonly exitCode: number;

  constructor(what: string, result: ProcessResult) {
    super(`${what} exited ${result.exitCode}: ${failureLine(result.stderr)}`);
    this.exitCode = result.exitCode;
  }
}

export function runPeer(file: string, args: readonly string[], signal?: AbortSignal): Promise<ProcessResult> {
  return runProcess(file, args, { timeoutMs: PEER_TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) });
}

/**
 * Runs FILE with stdin read from INPUT_PATH. runProcess gives the child no stdin, so `sh` redirects it;
 * the command and its arguments travel as positional parameters and are never parsed by the shell.
 */
export function runPeerWithStdin(inputPath: string, file: string, args: readonly string[], signal?: AbortSignal): Promise<ProcessResult> {
  return runPeer('sh', ['-c', 'input=$1; shift; exec "$@" < "$input"', 'sh', inputPath, file, ...args], signal);
}

export function requireSuccess(what: string, result: ProcessResult): ProcessResult {
  if (result.exitCode !== 0) throw new PeerCommandError(what, result);
  return result;
}

export function firstLine(text: string): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ?? '(no message)';
}

/**
 * The last stderr line that names a failure, else the last line: these tools print information first
 * and the reason they failed last.
 */
export function failureLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const failures = lines.filter((l) => /error|fail|invalid|not found|no secret|bad|unsupported|unrecognized/i.test(l));
  return failures[failures.length - 1] ?? lines[lines.length - 1] ?? '(no message)';
}
