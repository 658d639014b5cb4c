// The backends under measurement, built from each package's dist exactly as an application would.
import { createForgeBackend } from '../../../packages/backend-forge/dist/index.js';
import { createOpensslBackend } from '../../../packages/backend-openssl/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { createPkijsBackend as createPkijsBackendOnNode } from '../../../packages/backend-pkijs/dist/index.node.js';

/**
 * Every configuration the benchmark knows. `pkijs` is the package's Node entry (the `node` export
 * condition: what a Node application and the sealpost CLI load, with Node's raw RSA for PKCS#1 v1.5 and
 * node:crypto digests); `pkijs-portable` its portable entry (what browsers and workers load: BigInt RSA
 * for PKCS#1 v1.5, WebCrypto digests), measured where the difference is largest, PKCS#1 v1.5 decryption.
 */
export const BACKEND_VARIANTS = [
  { id: 'pkijs', label: 'pkijs', create: () => createPkijsBackendOnNode() },
  { id: 'pkijs-portable', label: 'pkijs, portable entry', create: () => createPkijsBackend(), only: 'rsa-pkcs1-decrypt', follows: 'pkijs' },
  { id: 'forge', label: 'forge', create: () => createForgeBackend() },
  { id: 'openssl', label: 'openssl', create: () => createOpensslBackend() },
];

/** The chosen variants, created; `pkijs-portable` comes along with `pkijs`. */
export async function createBackends(names) {
  const wanted = BACKEND_VARIANTS.filter((v) => names.includes(v.id) || (v.follows !== undefined && names.includes(v.follows)));
  const created = [];
  for (const variant of wanted) created.push({ ...variant, backend: await variant.create() });
  return created;
}
