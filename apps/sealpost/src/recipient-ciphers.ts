import { createHash } from 'node:crypto';
import {
  type CapabilitiesSource,
  type ContentCipher,
  type KeyStore,
  type KeyTransport,
  chooseCipher,
  isAuthenticatedCipher,
  isSealpostError,
  parseCertificate,
  recipientCapabilities,
} from '@sealpost/core';
import { withKeyStore } from './keystore.js';
import { formatTable } from './text-table.js';

// `encrypt` and `sign-encrypt` choose their cipher by core's one rule, the one `send` uses: GCM only
// for recipients that advertised it, AES-256-CBC (or --cipher-unknown) where nothing is known.

export interface CipherFlags {
  readonly cipher?: ContentCipher;
  readonly cipherUnknown?: ContentCipher;
  /** Where collected capabilities are looked up for each --to certificate. */
  readonly keystore?: string;
}

/** One --to certificate as the report shows it. */
export interface EncryptionRecipient {
  readonly addresses: readonly string[];
  readonly sha256: string;
  /** Where its capabilities came from; `unknown` when neither the key store nor the certificate says. */
  readonly capabilities: CapabilitiesSource;
  readonly smimeCapabilities: readonly ContentCipher[];
}

export interface EncryptionReport {
  readonly cipher: ContentCipher;
  readonly authenticated: boolean;
  readonly keyTransport: KeyTransport;
  /** `cipher`: forced by --cipher; `capabilities`: chosen from what the recipients advertised. */
  readonly chosenBy: 'cipher' | 'capabilities';
  /** What a recipient with unknown capabilities counts as reading, when --cipher-unknown said. */
  readonly cipherUnknown?: ContentCipher;
  readonly recipients: readonly EncryptionRecipient[];
}

/**
 * What each certificate's owner is known to read, and the cipher for one message to all of them. The
 * key store, when given, is asked for the entry holding exactly this certificate.
 */
export async function planEncryption(certificates: readonly Uint8Array[], flags: CipherFlags, keyTransport: KeyTransport): Promise<EncryptionReport> {
  const stored = flags.keystore === undefined ? certificates.map(() => undefined) : await withKeyStore(flags.keystore, (ks) => storedCapabilities(ks, certificates));
  const recipients = certificates.map((certificate, i): EncryptionRecipient => {
    const known = recipientCapabilities(certificate, stored[i]);
    return { addresses: parseCertificate(certificate).emailAddresses, sha256: sha256Hex(certificate), capabilities: known.source, smimeCapabilities: known.smimeCapabilities };
  });
  const cipher = chooseCipher(
    recipients.map((r) => r.smimeCapabilities),
    { cipher: flags.cipher, cipherUnknown: flags.cipherUnknown },
  );
  return {
    cipher,
    authenticated: isAuthenticatedCipher(cipher),
    keyTransport,
    chosenBy: flags.cipher === undefined ? 'capabilities' : 'cipher',
    ...(flags.cipherUnknown === undefined ? {} : { cipherUnknown: flags.cipherUnknown }),
    recipients,
  };
}

async function storedCapabilities(keystore: KeyStore, certificates: readonly Uint8Array[]): Promise<(readonly ContentCipher[] | undefined)[]> {
  const out: (readonly ContentCipher[] | undefined)[] = [];
  for (const certificate of certificates) out.push(await capabilitiesStoredFor(keystore, certificate));
  return out;
}

/** The capabilities kept with this very certificate under any of its addresses, if any were. */
async function capabilitiesStoredFor(keystore: KeyStore, certificate: Uint8Array): Promise<readonly ContentCipher[] | undefined> {
  const fingerprint = sha256Hex(certificate);
  for (const address of parseCertificate(certificate).emailAddresses) {
    const found = (await historyOrNone(keystore, address)).find((s) => s.fingerprint === fingerprint && s.smimeCapabilities.length > 0);
    if (found !== undefined) return found.smimeCapabilities;
  }
  return undefined;
}

/** An address the store cannot hold (too long, say) has nothing stored, rather than failing the command. */
async function historyOrNone(keystore: KeyStore, address: string) {
  try {
    return await keystore.history(address);
  } catch (error) {
    if (isSealpostError(error, 'ERR_ADDRESS_MALFORMED')) return [];
    throw error;
  }
}

function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** The text report (stderr): the cipher and how it was chosen, then each recipient's capabilities. */
export function renderEncryption(command: string, report: EncryptionReport): string {
  const auth = report.authenticated ? 'authenticated' : 'NOT authenticated';
  const how = report.chosenBy === 'cipher' ? 'as --cipher asked' : "from the recipients' capabilities";
  const rows = report.recipients.map((r) => [r.addresses.join(', ') || `sha-256 ${r.sha256}`, capabilitiesText(r.capabilities), r.smimeCapabilities.join(', ') || '-']);
  return `${command}: ${report.cipher} (${auth}), ${how}\n${formatTable(['recipient', 'capabilities', 'advertised'], rows)}${unknownNote(report)}`;
}

function unknownNote(report: EncryptionReport): string {
  const unknown = report.recipients.filter((r) => r.capabilities === 'unknown').length;
  if (unknown === 0 || report.chosenBy === 'cipher') return '';
  const assumed = report.cipherUnknown === undefined ? 'AES-CBC only, which every client reads; --cipher-unknown or --cipher picks another' : `${report.cipherUnknown}, as --cipher-unknown says`;
  return `capabilities unknown for ${unknown} recipient(s): counted as reading ${assumed}\n`;
}

/** How a report names where capabilities came from: "unknown" reads as "capabilities unknown" under its heading. */
export function capabilitiesText(source: CapabilitiesSource): string {
  return source === 'key-store' ? 'key store' : source;
}
