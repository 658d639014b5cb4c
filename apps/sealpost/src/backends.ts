import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import type { CryptoBackend } from '@sealpost/core';
import { CliError, usageError } from './errors.js';

export const BACKEND_NAMES = ['pkijs', 'forge', 'openssl'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const DEFAULT_BACKEND: BackendName = 'pkijs';

/**
 * The only place that knows which backends exist. A backend not built yet maps to null: the
 * command accepts its name (scripts can be written against it) and says it is not available.
 */
const FACTORIES: Readonly<Record<BackendName, (() => CryptoBackend) | null>> = {
  pkijs: () => createPkijsBackend({ rsaDecryptRaw }),
  forge: null,
  openssl: null,
};

export function createBackend(name: string): CryptoBackend {
  if (!isBackendName(name)) throw usageError(`unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
  const factory = FACTORIES[name];
  if (factory === null) throw new CliError('ERR_BACKEND_UNAVAILABLE', `backend ${name} is not available yet (available: ${availableBackends().join(', ')})`);
  return factory();
}

export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((name) => FACTORIES[name] !== null);
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/**
 * The raw RSA private operation, for PKCS#1 v1.5 key transport. WebCrypto has no RSAES-PKCS1-v1_5 and
 * Node 20 refuses RSA_PKCS1_PADDING for decryption (CVE-2023-46809), but raw RSA is allowed and OpenSSL
 * blinds it; the backend checks the padding itself, in constant time, with the RFC 3218 countermeasure.
 */
async function rsaDecryptRaw(pkcs8: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext));
}
