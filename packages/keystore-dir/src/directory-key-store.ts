import { resolve } from 'node:path';
import { type KeyStore, type KeyStoreEntrySummary, SealpostError, isSealpostError, normalizeStoreAddress } from '@sealpost/core';
import { applyPut, applyRemove, byAddress, certificateToStore, summaryOf } from '@sealpost/keystore-memory';
import { AddressFiles } from './address-files.js';
import { inQueue } from './write-lock.js';

export interface DirectoryKeyStoreOptions {
  /** The folder of `<address>.crt` files; created on the first put. */
  readonly dir: string;
}

/**
 * A key store in a folder of `<address>.crt` PEM files, one per address, holding its current
 * certificate: the layout SparkPost's S/MIME example tools read and write, so an existing folder can
 * be used as it is. Sealpost keeps the history and the metadata in `.sealpost/` beside the files.
 * An address that cannot be a plain file name (longer than 251 octets, or with a character such as
 * "/" or '"') is filed as `sha256-<hex>.crt`, so every address core's store address rule accepts
 * can be stored.
 *
 * Safe for any number of stores on the same folder within one process; not for several processes
 * writing to one folder at once (use @sealpost/keystore-sqlite for that).
 */
export function createDirectoryKeyStore(options: DirectoryKeyStoreOptions): KeyStore {
  if (typeof options?.dir !== 'string' || options.dir === '') throw new TypeError('createDirectoryKeyStore: dir must be a non-empty path');
  const dir = resolve(options.dir);
  const files = new AddressFiles(dir);
  const queued = <T>(work: () => Promise<T>): Promise<T> => inQueue(dir, () => asKeyStoreError(work));

  return {
    async get(address) {
      const key = normalizeStoreAddress(address);
      const [current] = await queued(() => files.load(key));
      return current ?? null;
    },
    async history(address) {
      const key = normalizeStoreAddress(address);
      return queued(() => files.load(key));
    },
    async put(entry) {
      const incoming = await certificateToStore(entry);
      return queued(async () => {
        const { outcome, history } = applyPut(await files.load(incoming.address), incoming);
        await files.save(incoming.address, history);
        return outcome;
      });
    },
    async list() {
      return queued(async () => {
        const summaries: KeyStoreEntrySummary[] = [];
        for (const address of await files.addresses()) {
          const summary = summaryOf(await files.load(address));
          if (summary !== null) summaries.push(summary);
        }
        return summaries.sort(byAddress);
      });
    },
    async remove(address, fingerprint) {
      const key = normalizeStoreAddress(address);
      return queued(async () => {
        const { removed, history } = applyRemove(await files.load(key), fingerprint);
        if (removed > 0) await files.save(key, history);
        return removed;
      });
    },
    async close() {
      // Lets queued operations finish; there is nothing to release.
      await queued(async () => undefined);
    },
  };
}

async function asKeyStoreError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isSealpostError(error)) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    throw new SealpostError('ERR_KEYSTORE', 'key store folder could not be read or written', {
      cause: error,
      detail: typeof code === 'string' ? { code } : {},
    });
  }
}
