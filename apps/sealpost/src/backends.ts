import { type KeyObject, constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import type { CryptoBackend } from '@sealpost/core';
import { CliError, usageError } from './errors.js';

export const BACKEND_NAMES = ['pkijs', 'forge', 'openssl'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const DEFAULT_BACKEND: BackendName = 'pkijs';

/**
 * The only place that knows which backends exist. Each is loaded when asked for, so a command pays
 * only for the backend it uses.
 */
const FACTORIES: Readonly<Record<BackendName, () => Promise<CryptoBackend>>> = {
  pkijs: async () => (await import('@sealpost/backend-pkijs')).createPkijsBackend({ rsaDecryptRaw }),
  forge: async () => (await import('@sealpost/backend-forge')).createForgeBackend(),
  // Probes the openssl binary once (version, algorithms); a missing or too old one is a typed error.
  openssl: async () => (await import('@sealpost/backend-openssl')).createOpensslBackend(),
};

export async function createBackend(name: string): Promise<CryptoBackend> {
  if (!isBackendName(name)) throw usageError(`unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
  try {
    return await FACTORIES[name]();
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError('ERR_BACKEND_UNAVAILABLE', `backend ${name} is not available here: ${reason}`);
  }
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
  return new Uint8Array(privateDecrypt({ key: nodeKeyOf(pkcs8), padding: constants.RSA_NO_PADDING }, ciphertext));
}

// The backend hands over the same key array for the same key, so each key is loaded into OpenSSL once
// (a WeakMap: it goes when the backend drops the key).
const NODE_KEYS = new WeakMap<Uint8Array, KeyObject>();

function nodeKeyOf(pkcs8: Uint8Array): KeyObject {
  let key = NODE_KEYS.get(pkcs8);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    NODE_KEYS.set(pkcs8, key);
  }
  return key;
}
