import type { ContentCipher } from '../backend.js';

/** Strongest first; what `chooseCipher` picks from. */
export const CIPHER_PREFERENCE: readonly ContentCipher[] = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'];

/**
 * The strongest content cipher every recipient advertises in SMIMECapabilities. A recipient with no
 * known capabilities counts as AES-CBC only (256, or 128 when another recipient can do no better): NSS
 * and gpgsm 2.2 cannot read GCM, and a message its recipient cannot read is worse than one without an
 * authentication tag.
 */
export function chooseCipher(capabilities: readonly (readonly ContentCipher[])[], override?: ContentCipher): ContentCipher {
  if (override !== undefined) return override;
  const sets = capabilities.map((caps) => (caps.length === 0 ? new Set<ContentCipher>(['aes-256-cbc', 'aes-128-cbc']) : new Set(caps)));
  return CIPHER_PREFERENCE.find((c) => sets.every((s) => s.has(c))) ?? 'aes-256-cbc';
}
