import { type ChildProcess, type IOType, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { SealpostError } from '@sealpost/core';
import { registerCleanup } from './cleanup.js';
import type { ChildEnvironment } from './options.js';
import { redactStderr } from './redact.js';

/**
 * One child process, run without a shell from an argument array, with a time limit, an
 * AbortSignal and a cap on its output. Its output is handed over only with an exit code of 0:
 * `openssl cms` writes plaintext whose GCM tag failed (or garbage from a wrong key) before it
 * exits with 4, so anything written before a failing exit is wiped and dropped here.
 */

export interface ProcessRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: ChildEnvironment;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** Names the command in messages ("openssl cms -sign"): never paths or values. */
  readonly label: string;
  /** Written to the child's standard input, which is then closed. Default: no input. */
  readonly stdin?: Uint8Array;
  /** Written to the child's file descriptor 3 (a passphrase for `-passin fd:3`). */
  readonly fd3?: Uint8Array;
  readonly signal?: AbortSignal;
  /** Strings (temporary folder paths) replaced before stderr is kept. */
  readonly redactPaths?: readonly string[];
}

export interface ProcessExit {
  readonly exitCode: number;
  /** Everything the process wrote to stdout, present only when exitCode is 0. */
  readonly stdout: Uint8Array | null;
  /** Redacted first lines of stderr. */
  readonly stderr: string;
}

/** execa-style facts about a process that failed, for `SealpostError.detail`. */
export type ProcessFailureDetail = {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The redacted first lines of stderr. */
  readonly stderr: string;
};

const STDERR_LIMIT = 64 * 1024;

type Ending = { readonly kind: 'exit'; readonly code: number } | { readonly kind: 'failed'; readonly error: SealpostError };

/** Resolves once the process has exited with a code; rejects (after it is gone) when it could not run to one. */
export function runProcess(request: ProcessRequest): Promise<ProcessExit> {
  if (request.signal?.aborted) return Promise.reject(aborted(request.signal));
  return new Promise((resolve, reject) => {
    const stdio: IOType[] = [request.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...(request.fd3 === undefined ? [] : ['pipe' as const])];
    const child: ChildProcess = spawn(request.file, [...request.args], { stdio, env: request.env, shell: false, windowsHide: true });
    // A process that exits or is signalled while the child runs takes the child (and the key it holds) with it.
    const forgetChild = registerCleanup(() => child.kill('SIGKILL'));
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    const stderrChunks: Buffer[] = [];
    let stderrBytes = 0;
    let stopReason: 'timeout' | 'abort' | 'output' | null = null;
    let settled = false;

    const stop = (reason: 'timeout' | 'abort' | 'output'): void => {
      if (stopReason !== null) return;
      stopReason = reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), request.timeoutMs);
    const onAbort = (): void => stop('abort');
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const stderrText = (): string => redactStderr(Buffer.concat(stderrChunks).toString('utf8'), request.redactPaths);
    const finish = (ending: Ending): void => {
      if (settled) return;
      settled = true;
      forgetChild();
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      const stderr = stderrText();
      const stdout = ending.kind === 'exit' && ending.code === 0 ? joined(stdoutChunks, stdoutBytes) : null;
      for (const chunk of stdoutChunks) chunk.fill(0);
      stdoutChunks.length = 0;
      if (ending.kind === 'failed') reject(ending.error);
      else resolve({ exitCode: ending.code, stdout, stderr });
    };

    (child.stdout as Readable).on('data', (chunk: Buffer) => {
      if (stopReason !== null) {
        chunk.fill(0);
        return;
      }
      stdoutBytes += chunk.length;
      stdoutChunks.push(chunk);
      if (stdoutBytes > request.maxOutputBytes) stop('output');
    });
    (child.stderr as Readable).on('data', (chunk: Buffer) => {
      if (stderrBytes >= STDERR_LIMIT) return;
      stderrChunks.push(chunk.subarray(0, STDERR_LIMIT - stderrBytes));
      stderrBytes += chunk.length;
    });
    feed(child.stdin, request.stdin);
    feed(child.stdio[3] as Writable | null | undefined, request.fd3);

    child.on('error', (error: NodeJS.ErrnoException) => {
      // Without a pid the process never started; otherwise 'close' follows and decides.
      if (child.pid !== undefined) return;
      const detail = failureDetail(request.label, null, null, false, '');
      finish({ kind: 'failed', error: new SealpostError('ERR_BACKEND', startFailureMessage(request, error), { cause: error, detail }) });
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const error = stopReason === null && code !== null ? null : stoppedError(request, stopReason, signal, stderrText());
      finish(error === null ? { kind: 'exit', code: code! } : { kind: 'failed', error });
    });
  });
}

/** Why a process has no exit code to judge: stopped here (time, abort, output) or killed from outside. */
function stoppedError(request: ProcessRequest, reason: 'timeout' | 'abort' | 'output' | null, signal: string | null, stderr: string): SealpostError {
  if (reason === 'abort') return aborted(request.signal);
  const detail = failureDetail(request.label, null, signal, reason === 'timeout', stderr);
  if (reason === 'timeout') return new SealpostError('ERR_TIMEOUT', `${request.label} timed out after ${request.timeoutMs} ms`, { detail });
  if (reason === 'output') return new SealpostError('ERR_LIMIT_SIZE', `${request.label} wrote more than ${request.maxOutputBytes} bytes (options.maxOutputBytes)`, { detail });
  return new SealpostError('ERR_BACKEND', `${request.label} was killed by ${signal ?? 'a signal'}`, { detail });
}

/** The error for a process that exited with a code other than 0. */
export function exitFailure(label: string, exit: ProcessExit): SealpostError {
  const firstLine = exit.stderr.split('\n')[0] ?? '';
  const message = `${label} failed with exit code ${exit.exitCode}${firstLine === '' ? '' : `: ${firstLine}`}`;
  return new SealpostError('ERR_BACKEND', message, { detail: failureDetail(label, exit.exitCode, null, false, exit.stderr) });
}

function failureDetail(command: string, exitCode: number | null, signal: string | null, timedOut: boolean, stderr: string): ProcessFailureDetail {
  return { command, exitCode, signal, timedOut, stderr };
}

function aborted(signal: AbortSignal | undefined): SealpostError {
  return new SealpostError('ERR_ABORTED', 'operation aborted', { cause: signal?.reason });
}

function startFailureMessage(request: ProcessRequest, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `${request.file} was not found: install OpenSSL 3 or set options.binary`;
  if (error.code === 'EACCES') return `${request.file} cannot be executed (permission denied)`;
  return `${request.file} could not be started (${error.code ?? 'unknown error'})`;
}

function feed(stream: Writable | null | undefined, bytes: Uint8Array | undefined): void {
  if (stream === null || stream === undefined || bytes === undefined) return;
  // A process that fails early stops reading; the broken pipe is not the error to report.
  stream.on('error', () => {});
  stream.end(bytes);
}

/** The chunks copied into one unpooled array, so the result shares memory with nothing else. */
function joined(chunks: readonly Buffer[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
