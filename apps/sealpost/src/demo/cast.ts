import { loadCertificateFile } from '../certificate-files.js';
import { loadIdentity } from '../identity.js';
import { writeTestIdentity } from '../keygen.js';
import type { Cast } from './context.js';

/** A test CA and three people, as files in `dir` (what `sealpost keygen` writes), read back. */
export async function makeCast(dir: string): Promise<Cast> {
  const alice = await writeTestIdentity({ email: 'alice@example.com', outDir: dir });
  const bob = await writeTestIdentity({ email: 'bob@example.com', outDir: dir, caDir: dir });
  const mallory = await writeTestIdentity({ email: 'mallory@example.com', outDir: dir, caDir: dir });
  const [ca] = await loadCertificateFile(alice.caCert, 'CA certificate');
  return {
    ca: ca!,
    alice: await loadIdentity({ cert: [alice.cert], key: [alice.key] }),
    bob: await loadIdentity({ cert: [bob.cert], key: [bob.key] }),
    mallory: await loadIdentity({ cert: [mallory.cert], key: [mallory.key] }),
  };
}
