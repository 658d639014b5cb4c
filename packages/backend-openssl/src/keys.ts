import type { PrivateKeyRef } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import type { ResolvedOptions } from './options.js';
import type { PrivateDir } from './temp-dir.js';

/**
 * Private keys reach openssl as the path of a 0600 named pipe in the operation's private folder that
 * hands over the PKCS#8 DER and stores nothing (key-pipe.ts), or as the URI the caller gave
 * (`pkcs11:...`, `file:...`, anything `-inkey` resolves through OSSL_STORE and the loaded providers).
 * Never as bytes in argv: argv is world-readable in the process list.
 */

/** Checks a key reference's shape before any work; ERR_INVALID_ARGUMENT for a URI that carries a PIN. */
export function checkKeyRef(key: PrivateKeyRef): void {
  if (typeof key !== 'object' || key === null) throw new TypeError('privateKey must be { type: "pkcs8", der } or { type: "uri", uri }');
  if (key.type === 'pkcs8') {
    if (!(key.der instanceof Uint8Array) || key.der.length === 0) throw new TypeError('privateKey.der must be a non-empty Uint8Array');
    return;
  }
  if (key.type !== 'uri') throw new TypeError('privateKey must be { type: "pkcs8", der } or { type: "uri", uri }');
  const uri: unknown = key.uri;
  if (typeof uri !== 'string' || uri === '' || uri.startsWith('-') || /[\0\r\n]/.test(uri)) throw new TypeError('privateKey.uri must be a non-empty string that does not start with "-"');
  if (/[?;&]pin-value=/i.test(uri)) throw new SealpostError('ERR_INVALID_ARGUMENT', 'a key URI must not carry its PIN (argv is visible in the process list): use options.keyPassphrase');
}

/** The `-inkey` value for a key: a URI as given, or a fresh named pipe that hands over the PKCS#8 DER. */
export async function inkeyArgument(key: PrivateKeyRef, dir: PrivateDir, name: string): Promise<string> {
  return key.type === 'uri' ? key.uri : dir.pipe(name, key.der);
}

/** The passphrase to send when a URI key is used and one is configured. */
export async function passphraseFor(keys: readonly PrivateKeyRef[], options: ResolvedOptions): Promise<string | undefined> {
  if (options.keyPassphrase === undefined || !keys.some((k) => k.type === 'uri')) return undefined;
  const value = typeof options.keyPassphrase === 'function' ? await options.keyPassphrase() : options.keyPassphrase;
  if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw new TypeError('options.keyPassphrase must give a one-line string');
  return value;
}
