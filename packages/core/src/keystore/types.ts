import type { ContentCipher } from '../backend.js';

/** One certificate a key store holds for an address. */
export interface StoredCertificate {
  /** The address it was stored under: local part as written, domain lower-cased. */
  readonly address: string;
  /** The certificate, DER. */
  readonly certificate: Uint8Array;
  /** Intermediates that chained it to a trust anchor when it was stored (leaf and anchor excluded). */
  readonly chain: readonly Uint8Array[];
  /** SMIMECapabilities content ciphers the owner advertised, in the order sent ([] if unknown). */
  readonly smimeCapabilities: readonly ContentCipher[];
  /** SHA-256 of the DER, lower-case hex. */
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** Where it came from, e.g. "relay-webhook", "import". */
  readonly source: string;
}

export interface PutCertificate {
  readonly address: string;
  readonly certificate: Uint8Array;
  readonly chain?: readonly Uint8Array[];
  readonly smimeCapabilities?: readonly ContentCipher[];
  /** Default: now. */
  readonly seenAt?: Date;
  readonly source?: string;
}

/**
 * What `put` did:
 * - `added`: first certificate for the address; it is current.
 * - `superseded`: a newer certificate (later notBefore) became current; the old one stays in the history.
 * - `seen`: this certificate was already stored; lastSeen (and capabilities) were refreshed.
 * - `kept-current`: stored in the history, but the current one is newer and stays current.
 */
export type PutOutcome = 'added' | 'superseded' | 'seen' | 'kept-current';

export interface KeyStoreEntrySummary {
  readonly address: string;
  readonly fingerprint: string;
  readonly notAfter: Date;
  readonly lastSeen: Date;
  /** Number of certificates in the history, current included. */
  readonly versions: number;
}

/**
 * Where recipients' certificates live. Addresses compare with the domain case-insensitive and the local
 * part exact. Only verified certificates should ever be put: the collector and `keys import` verify first.
 */
export interface KeyStore {
  /** The current certificate for an address, or null. */
  get(address: string): Promise<StoredCertificate | null>;
  /** Every certificate stored for the address, current first, then newest first. */
  history(address: string): Promise<readonly StoredCertificate[]>;
  put(entry: PutCertificate): Promise<PutOutcome>;
  list(): Promise<readonly KeyStoreEntrySummary[]>;
  /** Removes one certificate (by fingerprint) or all for the address; returns how many were removed. */
  remove(address: string, fingerprint?: string): Promise<number>;
  close?(): Promise<void>;
}
