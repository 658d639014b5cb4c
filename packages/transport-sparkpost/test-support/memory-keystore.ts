// A small Map-based KeyStore for tests, following the KeyStore contract in @sealpost/core and its
// one address rule (normalizeStoreAddress), so it refuses the addresses every real store refuses.
import { createHash } from 'node:crypto';
import { normalizeStoreAddress, parseCertificate } from '@sealpost/core';
import type { KeyStore, KeyStoreEntrySummary, PutCertificate, PutOutcome, StoredCertificate } from '@sealpost/core';

export interface TestKeyStore extends KeyStore {
  /** Every put call, in order. */
  readonly puts: PutCertificate[];
}

export function createTestKeyStore(): TestKeyStore {
  const byAddress = new Map<string, StoredCertificate[]>();
  const puts: PutCertificate[] = [];
  const key = (address: string): string => normalizeStoreAddress(address);
  return {
    puts,
    async get(address) {
      return byAddress.get(key(address))?.[0] ?? null;
    },
    async history(address) {
      return [...(byAddress.get(key(address)) ?? [])];
    },
    async put(entry): Promise<PutOutcome> {
      const address = key(entry.address);
      puts.push(entry);
      const list = byAddress.get(address) ?? [];
      const fingerprint = createHash('sha256').update(entry.certificate).digest('hex');
      const seenAt = entry.seenAt ?? new Date();
      const known = list.findIndex((c) => c.fingerprint === fingerprint);
      if (known >= 0) {
        list[known] = { ...list[known]!, lastSeen: seenAt, smimeCapabilities: entry.smimeCapabilities ?? list[known]!.smimeCapabilities };
        return 'seen';
      }
      const info = parseCertificate(entry.certificate);
      const stored: StoredCertificate = {
        address,
        certificate: entry.certificate,
        chain: entry.chain ?? [],
        smimeCapabilities: entry.smimeCapabilities ?? [],
        fingerprint,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        firstSeen: seenAt,
        lastSeen: seenAt,
        source: entry.source ?? 'import',
      };
      byAddress.set(address, list);
      const current = list[0];
      if (current === undefined) {
        list.push(stored);
        return 'added';
      }
      if (stored.notBefore > current.notBefore) {
        list.unshift(stored);
        return 'superseded';
      }
      list.splice(1, 0, stored);
      return 'kept-current';
    },
    async list(): Promise<KeyStoreEntrySummary[]> {
      return [...byAddress.values()].flatMap((l) =>
        l[0] === undefined ? [] : [{ address: l[0].address, fingerprint: l[0].fingerprint, notAfter: l[0].notAfter, lastSeen: l[0].lastSeen, versions: l.length }],
      );
    },
    async remove(address, fingerprint) {
      const list = byAddress.get(key(address)) ?? [];
      const keep = fingerprint === undefined ? [] : list.filter((c) => c.fingerprint !== fingerprint);
      byAddress.set(key(address), keep);
      return list.length - keep.length;
    },
  };
}
