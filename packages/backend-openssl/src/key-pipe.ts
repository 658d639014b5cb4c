import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { SealpostError } from '@sealpost/core';
import { registerCleanup } from './cleanup.js';
import { runProcess } from './process.js';

/**
 * PKCS#8 keys reach openssl through a named pipe (FIFO) in the operation's private folder: `-inkey`
 * names the pipe, openssl opens and reads it as it would a file, and the key's bytes only ever pass
 * through the kernel's pipe buffer. No file holds them, so nothing (a signal, SIGKILL, a power cut)
 * can leave them on disk.
 *
 * Why a named pipe rather than a descriptor: Node gives its children socket pairs, not pipes, and
 * `openssl -inkey /dev/fd/N` cannot open a socket (ENXIO); OpenSSL 3.0 has no `fd:` form for keys (only
 * for -passin), and none of the commands used here reads a key from stdin. Node cannot make a FIFO
 * itself, so mkfifo(1) (POSIX; coreutils, BSD) does.
 *
 * Writing: the writing end is opened without blocking, which fails (ENXIO) until openssl has opened the
 * pipe to read, so it is tried again on a short timer; then the key is written and the end closed, and
 * openssl reads up to that end. No thread ever waits on the pipe: a thread-pool open blocked on a FIFO
 * would hold one of libuv's four threads and keep process.exit() from returning. If openssl never
 * opens the pipe (it failed earlier, timed out, was aborted), `close` stops trying and nothing is
 * written; a signal or exit does the same through cleanup.ts.
 */

export interface KeyPipe {
  readonly path: string;
  /** Stops offering the key: a reader that has not opened the pipe yet never gets it. Idempotent. */
  close(): void;
}

const MKFIFO_TIMEOUT_MS = 10_000;
/** The longest wait between two attempts; openssl normally opens the key within a few milliseconds. */
const MAX_RETRY_MS = 20;

/** Makes a 0600 named pipe at `path` and offers `key` through it to the first reader. */
export async function createKeyPipe(path: string, key: Uint8Array): Promise<KeyPipe> {
  await makeFifo(path);
  return offer(path, key);
}

async function makeFifo(path: string): Promise<void> {
  let exitCode: number;
  try {
    // Only PATH: mkfifo needs nothing else of the environment (see options.ts on what openssl gets).
    const env: NodeJS.ProcessEnv = process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] };
    ({ exitCode } = await runProcess({ file: 'mkfifo', args: ['-m', '600', path], env, timeoutMs: MKFIFO_TIMEOUT_MS, maxOutputBytes: 4096, label: 'mkfifo' }));
  } catch (error) {
    throw new SealpostError('ERR_BACKEND', 'mkfifo could not be run: the openssl backend hands PKCS#8 keys to openssl through a named pipe', { cause: error });
  }
  if (exitCode !== 0) throw new SealpostError('ERR_BACKEND', `mkfifo failed with exit code ${exitCode}: cannot make the pipe for the key`);
}

function offer(path: string, key: Uint8Array): KeyPipe {
  let fd: number | undefined;
  let written = 0;
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (fd !== undefined) closeQuietly(fd);
    fd = undefined;
    forget();
  };
  const attempt = (): void => {
    timer = undefined;
    if (closed) return;
    try {
      fd ??= openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      while (written < key.length) written += writeSync(fd, key, written);
      close(); // the reader sees the end of the key
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENXIO: no reader yet; EAGAIN: the pipe buffer is full until openssl reads. Anything else
      // (EPIPE: the reader went away; ENOENT: the folder is gone) ends the offer.
      if (code !== 'ENXIO' && code !== 'EAGAIN') {
        close();
        return;
      }
    }
    attempts += 1;
    timer = setTimeout(attempt, Math.min(MAX_RETRY_MS, attempts));
  };
  const forget = registerCleanup(close);
  attempt();
  return { path, close };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}
