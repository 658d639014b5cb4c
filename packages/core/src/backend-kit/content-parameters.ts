import * as der from '../asn1/der-writer.js';
import { SealpostError } from '../errors.js';
import type { CipherSpec } from './algorithms.js';
import { childrenOf, isUniversal, octetsOf, smallIntegerOf, type Node } from '../asn1/accessors.js';

/** Parameters of the AES content ciphers: the CBC IV (RFC 3565) and GCMParameters (RFC 5084). */

export type ContentParameters = { readonly mode: 'cbc'; readonly iv: Uint8Array<ArrayBuffer> } | { readonly mode: 'gcm'; readonly nonce: Uint8Array<ArrayBuffer>; readonly icvLength: number };

/** The DER parameters of AES-CBC: the IV as an OCTET STRING. */
export function cbcParameters(iv: Uint8Array): Uint8Array<ArrayBuffer> {
  return der.octetString(iv);
}

/** The DER GCMParameters: the nonce and the ICV length, written even when it is the default 12. */
export function gcmParameters(nonce: Uint8Array, icvLength: number): Uint8Array<ArrayBuffer> {
  return der.sequence(der.octetString(nonce), der.integer(icvLength));
}

/** Reads the cipher's parameters; malformed ones are a structural error, found before any key work. */
export function contentParametersOf(cipher: CipherSpec, parameters: Node | undefined): ContentParameters {
  if (cipher.mode === 'cbc') {
    const iv = isUniversal(parameters, 4) ? octetsOf(parameters) : null;
    if (iv === null || iv.length !== 16) throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-CBC parameters are not a 16-octet IV');
    return { mode: 'cbc', iv };
  }
  const parts = isUniversal(parameters, 16) ? childrenOf(parameters) : null;
  const nonce = isUniversal(parts?.[0], 4) ? octetsOf(parts?.[0]) : null;
  // RFC 5084 3.2: aes-ICVlen is 12 to 16 and defaults to 12.
  const icvLength = parts?.[1] === undefined ? 12 : smallIntegerOf(parts[1]);
  if (parts === null || parts.length > 2 || nonce === null || nonce.length === 0 || icvLength === null || icvLength < 12 || icvLength > 16)
    throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-GCM parameters are malformed');
  return { mode: 'gcm', nonce, icvLength };
}
