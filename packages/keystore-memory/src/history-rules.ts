import type { KeyStoreEntrySummary, PutOutcome, StoredCertificate } from '@sealpost/core';

/**
 * The rules every Sealpost key store applies to the certificates of one address. A history is an
 * array with the current certificate first and the others newest (latest notBefore) first; stores load
 * it, apply a rule and save what comes back, so each store only decides how it keeps the array.
 */
export interface PutResult {
  readonly outcome: PutOutcome;
  readonly history: readonly StoredCertificate[];
}

export interface RemoveResult {
  readonly removed: number;
  readonly history: readonly StoredCertificate[];
}

/** Newest first by notBefore; the fingerprint breaks ties so every store orders alike. */
export function newestFirst(a: StoredCertificate, b: StoredCertificate): number {
  const byNotBefore = b.notBefore.getTime() - a.notBefore.getTime();
  if (byNotBefore !== 0) return byNotBefore;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** The history after `incoming` (from `certificateToStore`) was put, and what happened. */
export function applyPut(history: readonly StoredCertificate[], incoming: StoredCertificate): PutResult {
  const [current, ...older] = history;
  if (current === undefined) return { outcome: 'added', history: [incoming] };
  const index = history.findIndex((stored) => stored.fingerprint === incoming.fingerprint);
  const known = history[index];
  if (known !== undefined) {
    const next = [...history];
    next[index] = seenAgain(known, incoming);
    return { outcome: 'seen', history: next };
  }
  // Only a strictly later notBefore replaces the current certificate: a re-issue with the same start
  // date is no evidence that the owner moved to it.
  if (incoming.notBefore.getTime() > current.notBefore.getTime()) {
    return { outcome: 'superseded', history: [incoming, ...[current, ...older].sort(newestFirst)] };
  }
  return { outcome: 'kept-current', history: [current, ...[...older, incoming].sort(newestFirst)] };
}

/**
 * The same certificate seen again: lastSeen moves forward (never back: sightings can arrive out of
 * order), and capabilities follow the latest sighting that advertised any: an earlier sighting's
 * capabilities still fill in a certificate known without any (a `.crt` file or an import seen "later"
 * says nothing about them), since send() would otherwise fall back to the cipher for unknown ones.
 * firstSeen, source and the chain it was first stored with stay.
 */
function seenAgain(known: StoredCertificate, incoming: StoredCertificate): StoredCertificate {
  const later = incoming.lastSeen.getTime() >= known.lastSeen.getTime();
  const advertises = incoming.smimeCapabilities.length > 0;
  return {
    ...known,
    lastSeen: later ? incoming.lastSeen : known.lastSeen,
    smimeCapabilities: advertises && (later || known.smimeCapabilities.length === 0) ? incoming.smimeCapabilities : known.smimeCapabilities,
    chain: known.chain.length > 0 ? known.chain : incoming.chain,
  };
}

/** The history without one certificate (or without all); the newest left becomes current. */
export function applyRemove(history: readonly StoredCertificate[], fingerprint?: string): RemoveResult {
  if (fingerprint === undefined) return { removed: history.length, history: [] };
  const wanted = fingerprint.toLowerCase();
  const [current, ...older] = history;
  if (current === undefined) return { removed: 0, history: [] };
  if (current.fingerprint === wanted) return { removed: 1, history: [...older].sort(newestFirst) };
  const kept = older.filter((stored) => stored.fingerprint !== wanted);
  return { removed: older.length - kept.length, history: [current, ...kept] };
}

/** The `list` line for an address, or null when nothing is stored for it. */
export function summaryOf(history: readonly StoredCertificate[]): KeyStoreEntrySummary | null {
  const current = history[0];
  if (current === undefined) return null;
  return {
    address: current.address,
    fingerprint: current.fingerprint,
    notAfter: new Date(current.notAfter.getTime()),
    lastSeen: new Date(current.lastSeen.getTime()),
    versions: history.length,
  };
}

/** A copy the caller may change without touching the store. */
export function copyOfStored(stored: StoredCertificate): StoredCertificate {
  return {
    ...stored,
    certificate: stored.certificate.slice(),
    chain: stored.chain.map((der) => der.slice()),
    smimeCapabilities: [...stored.smimeCapabilities],
    notBefore: new Date(stored.notBefore.getTime()),
    notAfter: new Date(stored.notAfter.getTime()),
    firstSeen: new Date(stored.firstSeen.getTime()),
    lastSeen: new Date(stored.lastSeen.getTime()),
  };
}

/** Summaries in address order, so listings are stable whatever the store keeps internally. */
export function byAddress(a: KeyStoreEntrySummary, b: KeyStoreEntrySummary): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
