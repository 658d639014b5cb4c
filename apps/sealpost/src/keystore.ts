import { stat } from 'node:fs/promises';
import { type KeyStore, isSealpostError } from '@sealpost/core';
import { createDirectoryKeyStore } from '@sealpost/keystore-dir';
import { CliError, usageError } from './errors.js';

const SQLITE_PREFIX = 'sqlite:';

export type KeyStoreSpec = { readonly kind: 'dir'; readonly dir: string } | { readonly kind: 'sqlite'; readonly path: string };

/** `--keystore DIR` (a folder of `<address>.crt` files) or `--keystore sqlite:FILE`. */
export function parseKeyStoreSpec(value: string): KeyStoreSpec {
  if (value.startsWith(SQLITE_PREFIX)) {
    const path = value.slice(SQLITE_PREFIX.length);
    if (path === '') throw usageError('--keystore sqlite:FILE needs a file name after "sqlite:"');
    return { kind: 'sqlite', path };
  }
  if (value === '') throw usageError('--keystore needs a folder or sqlite:FILE');
  return { kind: 'dir', dir: value };
}

export interface OpenKeyStoreOptions {
  /**
   * Make the folder or file when it is not there yet: only for the commands that add certificates
   * (`keys import`, `serve`). Anything else reading a store that does not exist would see an empty one,
   * and `send` would report every recipient without a certificate because of a typo in a path.
   */
  readonly create?: boolean;
}

/**
 * Opens the key store named by `--keystore`. The SQLite store is loaded only when asked for: it
 * brings a native module, which the folder store does not need.
 */
export async function openKeyStore(value: string, options: OpenKeyStoreOptions = {}): Promise<KeyStore> {
  const spec = parseKeyStoreSpec(value);
  if (options.create !== true) await checkKeyStoreExists(spec);
  if (spec.kind === 'dir') return createDirectoryKeyStore({ dir: spec.dir });
  try {
    const { createSqliteKeyStore } = await import('@sealpost/keystore-sqlite');
    return createSqliteKeyStore({ path: spec.path });
  } catch (error) {
    // The store's own failures (a file it cannot open) carry their code; anything else is the native module.
    if (isSealpostError(error)) throw error;
    throw new CliError('ERR_KEYSTORE_UNAVAILABLE', 'the SQLite key store cannot be loaded here (its native module better-sqlite3 is missing or was not built); use a folder: --keystore DIR', { cause: error });
  }
}

/** A folder for `DIR`, a file for `sqlite:FILE`; other failures to look (permissions) are left to the store. */
async function checkKeyStoreExists(spec: KeyStoreSpec): Promise<void> {
  const path = spec.kind === 'dir' ? spec.dir : spec.path;
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError('ERR_KEYSTORE_NOT_FOUND', `key store ${path} does not exist (keys import and serve create one)`, { cause: error });
    return;
  }
  if (spec.kind === 'dir' && !isDirectory) throw new CliError('ERR_KEYSTORE_NOT_FOUND', `key store ${path} is not a folder (a SQLite key store is named sqlite:FILE)`);
  if (spec.kind === 'sqlite' && isDirectory) throw new CliError('ERR_KEYSTORE_NOT_FOUND', `key store sqlite:${path} is a folder, not a SQLite file (a folder key store is named without sqlite:)`);
}

/** Runs `work` with an open key store and closes it afterwards, whatever happened. */
export async function withKeyStore<T>(value: string, work: (keystore: KeyStore) => Promise<T>, options: OpenKeyStoreOptions = {}): Promise<T> {
  const keystore = await openKeyStore(value, options);
  try {
    return await work(keystore);
  } finally {
    await keystore.close?.();
  }
}
