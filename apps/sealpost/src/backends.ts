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
  // On Node the package's Node entry loads: Node's OpenSSL does the raw RSA of PKCS#1 v1.5 decryption.
  pkijs: async () => (await import('@sealpost/backend-pkijs')).createPkijsBackend(),
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
