import { type KeyStore, type KeyStoreEntrySummary, type StoredCertificate, normalizeStoreAddress } from '@sealpost/core';
import { certificateToStore } from './certificate-to-store.js';
import { applyPut, applyRemove, byAddress, copyOfStored, summaryOf } from './history-rules.js';

/**
 * A key store held in this process's memory: for tests, demos, workers and short-lived processes.
 * Everything is lost when the process ends. Each load-change-save below runs without an `await`
 * in between, so concurrent calls cannot lose each other's updates.
 */
export function createMemoryKeyStore(): KeyStore {
  const histories = new Map<string, readonly StoredCertificate[]>();
  const historyOf = (address: string): readonly StoredCertificate[] => histories.get(normalizeStoreAddress(address)) ?? [];

  return {
    async get(address) {
      const current = historyOf(address)[0];
      return current === undefined ? null : copyOfStored(current);
    },
    async history(address) {
      return historyOf(address).map(copyOfStored);
    },
    async put(entry) {
      const incoming = await certificateToStore(entry);
      const { outcome, history } = applyPut(histories.get(incoming.address) ?? [], incoming);
      histories.set(incoming.address, history);
      return outcome;
    },
    async list() {
      const summaries: KeyStoreEntrySummary[] = [];
      for (const history of histories.values()) {
        const summary = summaryOf(history);
        if (summary !== null) summaries.push(summary);
      }
      return summaries.sort(byAddress);
    },
    async remove(address, fingerprint) {
      const key = normalizeStoreAddress(address);
      const { removed, history } = applyRemove(histories.get(key) ?? [], fingerprint);
      if (history.length === 0) histories.delete(key);
      else histories.set(key, history);
      return removed;
    },
    async close() {
      histories.clear();
    },
  };
}
