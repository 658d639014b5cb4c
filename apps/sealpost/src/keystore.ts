import { stat } from 'node:fs/promises';
import { type KeyStore, isSealpostError } from '@sealpost/core';
import { createDirectoryKeyStore } from '@sealpost/keystore-dir';
import { CliError, usageError } from './errors.js';

const SQLITE_PREFIX = 'sqlite:';
const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export type KeyStoreSpec = { readonly kind: 'dir'; readonly dir: string } | { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

/**
 * `--keystore DIR` (a folder of `<address>.crt` files), `--keystore sqlite:FILE`, or a PostgreSQL URL
 * (`postgres://` or `postgresql://`) without a password: node-postgres takes it from PGPASSWORD or ~/.pgpass.
 */
export function parseKeyStoreSpec(value: string): KeyStoreSpec {
  if (POSTGRES_URL.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith(SQLITE_PREFIX)) {
    const path = value.slice(SQLITE_PREFIX.length);
    if (path === '') throw usageError('--keystore sqlite:FILE needs a file name after "sqlite:"');
    return { kind: 'sqlite', path };
  }
  if (value === '') throw usageError('--keystore needs a folder, sqlite:FILE or a postgres:// URL');
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
  if (spec.kind === 'postgres') return openPostgresKeyStore(spec.url);
  if (options.create !== true) await checkKeyStoreExists(spec);
  if (spec.kind === 'dir') return createDirectoryKeyStore({ dir: spec.dir });
  try {
    const { createSqliteKeyStore } = await import('@sealpost/keystore-sqlite');
    return createSqliteKeyStore({ path: spec.path });
  } catch (error) {
    // The store's own failures (a file it cannot open) carry their code; anything else is the native module.
    if (isSealpostError(error)) throw error;
    throw new CliError('ERR_KEYSTORE_UNAVAILABLE', 'the SQLite key store cannot be loaded here (its native module better-sqlite3 is missing or was not built); use a folder: --keystore DIR', {
      cause: error,
    });
  }
}

/**
 * The PostgreSQL store makes its schema on first use, so there is nothing to check before: a database
 * that cannot be reached, or a wrong password, is ERR_KEYSTORE at the first read or write, naming the
 * server without the password. The URL is never repeated, since it may hold one.
 */
async function openPostgresKeyStore(url: string): Promise<KeyStore> {
  if (hasPassword(url)) {
    throw usageError('--keystore must not carry a password, which ps and shell history would show: give the URL without it and the password in PGPASSWORD (or ~/.pgpass)');
  }
  const { createPostgresKeyStore } = await import('@sealpost/keystore-postgres');
  try {
    return createPostgresKeyStore({ connectionString: url });
  } catch (error) {
    if (error instanceof TypeError) throw usageError('--keystore postgres://USER@HOST:PORT/DATABASE is not a URL that can be read (the password may come from PGPASSWORD instead)');
    throw error;
  }
}

/** Whether a URL names a password (an unreadable one is left to the store, which says so without repeating it). */
function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/** A folder for `DIR`, a file for `sqlite:FILE`; other failures to look (permissions) are left to the store. */
async function checkKeyStoreExists(spec: Exclude<KeyStoreSpec, { kind: 'postgres' }>): Promise<void> {
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
