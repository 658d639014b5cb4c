import type { ContentCipher } from '../backend.js';
import { parseCertificate } from '../pki/certificate.js';

/** Strongest first; what `chooseCipher` picks from. */
export const CIPHER_PREFERENCE: readonly ContentCipher[] = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'];

/** Where a recipient's SMIMECapabilities came from, for reports: a key store entry, its certificate, or nowhere. */
export type CapabilitiesSource = 'key-store' | 'certificate' | 'unknown';

/** What is known of the content ciphers one recipient's software reads. */
export interface RecipientCapabilities {
  /** The ciphers advertised, in the order sent; [] when unknown. */
  readonly smimeCapabilities: readonly ContentCipher[];
  readonly source: CapabilitiesSource;
}

/** How a content cipher is chosen, besides the recipients' capabilities. */
export interface CipherChoiceOptions {
  /** Use this cipher whatever the recipients advertise. */
  readonly cipher?: ContentCipher | undefined;
  /**
   * The cipher for recipients whose capabilities are unknown. Default: AES-CBC (256 bits, or 128 when
   * another recipient can do no better), which every S/MIME client reads.
   */
  readonly cipherUnknown?: ContentCipher | undefined;
}

/**
 * A recipient's capabilities: those its signed mail advertised, as a key store entry kept them (the
 * latest word from the software it reads mail with), else its certificate's smimeCapabilities extension
 * (RFC 4262), else unknown.
 */
export function recipientCapabilities(certificate: Uint8Array, stored?: readonly ContentCipher[]): RecipientCapabilities {
  if (stored !== undefined && stored.length > 0) return { smimeCapabilities: stored, source: 'key-store' };
  const advertised = parseCertificate(certificate).smimeCapabilities;
  if (advertised.length > 0) return { smimeCapabilities: advertised, source: 'certificate' };
  return { smimeCapabilities: [], source: 'unknown' };
}

const READ_BY_EVERY_CLIENT: readonly ContentCipher[] = ['aes-256-cbc', 'aes-128-cbc'];

/**
 * The strongest content cipher every recipient advertises in SMIMECapabilities. A recipient with no
 * known capabilities ([]) counts as reading only `cipherUnknown`, by default AES-CBC only (256, or 128
 * when another recipient can do no better): NSS (Thunderbird) and gpgsm 2.2 cannot read GCM, and a
 * message its recipient cannot read is worse than one without an authentication tag. `cipher` (or a
 * ContentCipher given in place of the options, as before) overrides the choice.
 */
export function chooseCipher(capabilities: readonly (readonly ContentCipher[])[], options?: ContentCipher | CipherChoiceOptions): ContentCipher {
  const { cipher, cipherUnknown } = typeof options === 'string' ? { cipher: options, cipherUnknown: undefined } : (options ?? {});
  if (cipher !== undefined) return cipher;
  const unknown = new Set(cipherUnknown === undefined ? READ_BY_EVERY_CLIENT : [cipherUnknown]);
  const sets = capabilities.map((caps) => (caps.length === 0 ? unknown : new Set(caps)));
  const candidates = cipherUnknown === undefined || CIPHER_PREFERENCE.includes(cipherUnknown) ? CIPHER_PREFERENCE : [...CIPHER_PREFERENCE, cipherUnknown];
  return candidates.find((c) => sets.every((s) => s.has(c))) ?? 'aes-256-cbc';
}
