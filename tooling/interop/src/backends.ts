import { createForgeBackend } from '@sealpost/backend-forge';
import { createOpensslBackend } from '@sealpost/backend-openssl';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import type { CryptoBackend } from '@sealpost/core';

/** One Sealpost backend in the matrix: adding a backend is adding an entry here. */
export interface BackendEntry {
  readonly name: string;
  readonly create: () => CryptoBackend | Promise<CryptoBackend>;
}

export const BACKENDS: readonly BackendEntry[] = [
  { name: 'pkijs', create: () => createPkijsBackend() },
  { name: 'forge', create: () => createForgeBackend() },
  { name: 'openssl', create: () => createOpensslBackend() },
];
