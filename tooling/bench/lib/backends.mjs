// The backends under measurement, built from each package's dist exactly as an application would.
import { createForgeBackend } from '../../../packages/backend-forge/dist/index.js';
import { createOpensslBackend } from '../../../packages/backend-openssl/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { nodeRsaDecryptRaw } from './node-rsa.mjs';

/**
 * Every configuration the benchmark knows. `pkijs-node-rsa` is pkijs as the sealpost CLI runs it on Node;
 * it differs from plain pkijs only in PKCS#1 v1.5 decryption, so it is measured only where that runs.
 */
export const BACKEND_VARIANTS = [
  { id: 'pkijs', label: 'pkijs', create: () => createPkijsBackend() },
  { id: 'pkijs-node-rsa', label: 'pkijs + Node raw RSA', create: () => createPkijsBackend({ rsaDecryptRaw: nodeRsaDecryptRaw }), only: 'rsa-pkcs1-decrypt', follows: 'pkijs' },
  { id: 'forge', label: 'forge', create: () => createForgeBackend() },
  { id: 'openssl', label: 'openssl', create: () => createOpensslBackend() },
];

/** The chosen variants, created; `pkijs-node-rsa` comes along with `pkijs`. */
export async function createBackends(names) {
  const wanted = BACKEND_VARIANTS.filter((v) => names.includes(v.id) || (v.follows !== undefined && names.includes(v.follows)));
  const created = [];
  for (const variant of wanted) created.push({ ...variant, backend: await variant.create() });
  return created;
}
