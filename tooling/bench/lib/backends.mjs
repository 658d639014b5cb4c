// The backends under measurement, built from each package's dist exactly as an application would.
import { createForgeBackend } from '../../../packages/backend-forge/dist/index.js';
import { createOpensslBackend } from '../../../packages/backend-openssl/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { createPkijsBackend as createPkijsBackendOnNode } from '../../../packages/backend-pkijs/dist/index.node.js';

/**
 * Every configuration the benchmark knows. `pkijs` is the package's portable entry (what browsers and
 * workers load); `pkijs-node-rsa` its Node entry (the `node` export condition, what a Node application and
 * the sealpost CLI load), which differs only in PKCS#1 v1.5 decryption (Node's raw RSA instead of BigInt),
 * so it is measured only where that runs.
 */
export const BACKEND_VARIANTS = [
  { id: 'pkijs', label: 'pkijs', create: () => createPkijsBackend() },
  { id: 'pkijs-node-rsa', label: 'pkijs on Node', create: () => createPkijsBackendOnNode(), only: 'rsa-pkcs1-decrypt', follows: 'pkijs' },
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
