import { loadCertificateFile } from '../certificate-files.js';
import { loadIdentity } from '../identity.js';
import { existingCa, writeTestIdentity } from '../keygen.js';
import type { Cast } from './context.js';

/**
 * A test CA and four people, as files in `dir` (what `sealpost keygen` writes), read back. Every
 * certificate names `crlUrl` as its CRL distribution point, as a public CA's certificates name its CRL.
 */
export async function makeCast(dir: string, crlUrl: string): Promise<Cast> {
  const issued = { outDir: dir, crlDistributionPoint: crlUrl };
  const alice = await writeTestIdentity({ email: 'alice@example.com', ...issued });
  const bob = await writeTestIdentity({ email: 'bob@example.com', caDir: dir, ...issued });
  const mallory = await writeTestIdentity({ email: 'mallory@example.com', caDir: dir, ...issued });
  const carol = await writeTestIdentity({ email: 'carol@example.com', caDir: dir, ...issued });
  const [ca] = await loadCertificateFile(alice.caCert, 'CA certificate');
  return {
    ca: ca!,
    authority: await existingCa(dir),
    alice: await loadIdentity({ cert: [alice.cert], key: [alice.key] }),
    bob: await loadIdentity({ cert: [bob.cert], key: [bob.key] }),
    mallory: await loadIdentity({ cert: [mallory.cert], key: [mallory.key] }),
    carol: await loadIdentity({ cert: [carol.cert], key: [carol.key] }),
  };
}
