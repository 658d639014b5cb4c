import { randomBytes } from 'node:crypto';
import { constants, unlinkSync } from 'node:fs';
import { link, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_MIME_LIMITS, SealpostError, isSealpostError } from '@sealpost/core';
import { cleanupOnSignal } from './cleanup-on-signal.js';
import { CliError, usageError } from './errors.js';

/** A file named on the command line; a missing or unreadable file is an input error (exit 2). */
export async function readFileArg(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read ${what} ${path}: ${reasonOf(error)}`, { cause: error });
  }
}

/**
 * Most bytes of message read from `--in` or stdin: the SDK's own `maxBytes` (64 MiB), which would
 * refuse a longer message anyway. Reading stops as soon as the input goes past it.
 */
export const MAX_INPUT_BYTES = DEFAULT_MIME_LIMITS.maxBytes;

/** The message to work on: `--in FILE`, or everything on stdin, up to `limit` bytes (ERR_LIMIT_SIZE past it). */
export async function readInput(inPath: string | undefined, limit = MAX_INPUT_BYTES): Promise<Uint8Array> {
  if (inPath !== undefined) return readInputFile(inPath, limit);
  // Waiting on a terminal for a message nobody is going to paste looks like a hang.
  if (process.stdin.isTTY === true) throw usageError('no input: pass --in FILE or pipe a message into stdin');
  return readAtMost(process.stdin, limit, 'stdin');
}

/** A regular file over the limit is refused from its size alone; anything else is read up to the limit. */
async function readInputFile(path: string, limit: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read input file ${path}: ${reasonOf(error)}`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile() && stats.size > limit) throw inputTooLarge(`input file ${path}`, limit);
    return await readAtMost(handle.createReadStream({ autoClose: false }), limit, `input file ${path}`);
  } catch (error) {
    if (isSealpostError(error)) throw error;
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read input file ${path}: ${reasonOf(error)}`, { cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Everything `stream` yields, or ERR_LIMIT_SIZE as soon as it yields more than `limit` bytes. */
/** Everything `stream` gives, up to `limit` bytes; past it ERR_LIMIT_SIZE, and nothing more is read. */
export async function readAtMost(stream: AsyncIterable<Buffer | string>, limit: number, what: string, holder = 'a message'): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    // Leaving the loop destroys the stream: nothing more is read.
    if (size > limit) throw inputTooLarge(what, limit, holder);
    chunks.push(bytes);
  }
  // One copy into a buffer of the message's own (a Buffer may be a view of a shared pool).
  const message = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    message.set(chunk, offset);
    offset += chunk.length;
  }
  return message;
}

function inputTooLarge(what: string, limit: number, holder = 'a message'): SealpostError {
  return new SealpostError('ERR_LIMIT_SIZE', `${what} is larger than ${limit} bytes, the most ${holder} may have`, { detail: { limit } });
}

/** The command's product: `--out FILE` (atomically) or stdout. */
export async function writeOutput(bytes: Uint8Array, outPath: string | undefined): Promise<void> {
  if (outPath === undefined) return writeStream(process.stdout, bytes);
  await writeFileAtomic(outPath, bytes, 0o600);
}

export function writeStream(stream: NodeJS.WritableStream, data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error == null ? resolve() : reject(outputError(error))));
  });
}

function outputError(error: Error): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EPIPE') return new CliError('ERR_OUTPUT_CLOSED', 'the output was closed before everything was written', { cause: error });
  return new CliError('ERR_FILE_WRITE', `cannot write the output: ${reasonOf(error)}`, { cause: error });
}

export interface WriteFileOptions {
  /** Refuse to replace an existing file. */
  readonly exclusive?: boolean;
}

/**
 * Writes `path` so that it either holds all of `bytes` or is left as it was: a temporary file in the
 * same directory (so the rename cannot cross file systems), created with `mode` before any byte is
 * written, flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, mode: number, options: WriteFileOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // A signal before the rename must not leave the partial file (decrypted content, a new key) behind.
  // Registered before the open: the file exists as soon as open(2) returns, before this code runs again.
  const forget = cleanupOnSignal(() => unlinkSync(temp));
  let handle;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (error) {
    forget();
    throw new CliError('ERR_FILE_WRITE', `cannot write ${path}: ${reasonOf(error)}`, { cause: error });
  }
  try {
    await handle.writeFile(bytes);
    await handle.chmod(mode); // the umask may have narrowed or the caller may want wider: be exact
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.exclusive === true) await linkExclusive(temp, path);
    else await rename(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (error instanceof CliError) throw error;
    throw new CliError('ERR_FILE_WRITE', `cannot write ${path}: ${reasonOf(error)}`, { cause: error });
  } finally {
    forget();
  }
}

/** Like rename, but fails instead of replacing: link(2) refuses an existing target atomically. */
async function linkExclusive(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError('ERR_FILE_EXISTS', `${path} already exists; not replacing it`);
    throw error;
  }
  await unlink(temp);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** A folder for the command's files, created private if it is new. */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliError('ERR_FILE_WRITE', `cannot create folder ${path}: ${reasonOf(error)}`, { cause: error });
  }
}

/** So the rename itself survives a crash; some file systems refuse to open a directory: that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return code ?? 'I/O error';
  }
}
