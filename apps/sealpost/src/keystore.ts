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

/**
 * Opens the key store named by `--keystore`. The SQLite store is loaded only when asked for: it
 * brings a native module, which the folder store does not need.
 */
export async function openKeyStore(value: string): Promise<KeyStore> {
  const spec = parseKeyStoreSpec(value);
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

/** Runs `work` with an open key store and closes it afterwards, whatever happened. */
export async function withKeyStore<T>(value: string, work: (keystore: KeyStore) => Promise<T>): Promise<T> {
  const keystore = await openKeyStore(value);
  try {
    return await work(keystore);
  } finally {
    await keystore.close?.();
  }
}
