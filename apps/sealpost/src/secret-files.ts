import { open } from 'node:fs/promises';
import { isSealpostError } from '@sealpost/core';
import { CliError } from './errors.js';
import { readAtMost, reasonOf } from './io.js';

/** Permission bits for "other" users: read, write, execute. */
const OTHERS = 0o007;

/** A key, a .p12 (with its chain) or a DKIM key is a few KiB; a file past this is not one (ERR_LIMIT_SIZE). */
const MAX_SECRET_BYTES = 1 << 20;

/**
 * A file that holds a secret (a private key, a .p12, a DKIM key): refused unless users other than its
 * owner and group cannot reach it, as ssh refuses a private key others can read. A key others can read
 * is no longer secret, and signing with it would hide that. The check is on the opened file (fstat), so
 * it is the file that is read. With `pipes`, a pipe or a character device is read as it is (a key
 * handed over as `--key <(vault read ...)` is in no file); otherwise only a regular file is. At most
 * 1 MiB is read. Nothing of the contents is ever in an error.
 */
export async function readSecretFile(path: string, what: string, options: { readonly pipes?: boolean } = {}): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read ${what} ${path}: ${reasonOf(error)}`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    const readAll = (): Promise<Uint8Array> => readAtMost(handle.createReadStream({ autoClose: false }), MAX_SECRET_BYTES, `${what} ${path}`, 'a key file');
    if (options.pipes === true && (stats.isFIFO() || stats.isCharacterDevice() || stats.isSocket())) return await readAll();
    if (!stats.isFile()) throw new CliError('ERR_FILE_UNREADABLE', `${what} ${path} is not a regular file`);
    // Windows has no such mode bits: there the file's ACL is the user's to set.
    if (process.platform !== 'win32' && (stats.mode & OTHERS) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(3, '0');
      throw new CliError('ERR_FILE_PERMISSIONS', `${what} ${path} can be read or changed by other users (mode ${mode}); make it private with chmod 600 ${path} (or 640 for a group)`);
    }
    return await readAll();
  } catch (error) {
    if (error instanceof CliError || isSealpostError(error)) throw error;
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read ${what} ${path}: ${reasonOf(error)}`, { cause: error });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
