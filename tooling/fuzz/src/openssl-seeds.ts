import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess, withTempDir } from '@sealpost/fixtures';

/** The legacy content ciphers `openssl cms -encrypt` writes: Sealpost reads them and never writes them. */
export type LegacyFlag = 'des3' | 'rc2-40' | 'rc2-64' | 'rc2-128';

/**
 * EnvelopedData (DER) from `openssl cms -encrypt -binary -FLAG` to the recipient certificates, made now.
 * OpenSSL 3 writes RC2 only with its legacy provider loaded; 3DES needs nothing.
 */
export async function opensslLegacyEnvelope(flag: LegacyFlag, content: Uint8Array, recipientCertPaths: readonly string[]): Promise<Uint8Array> {
  return withTempDir('sealpost-fuzz-', async (dir) => {
    const input = join(dir, 'content.bin');
    const output = join(dir, 'enveloped.p7m');
    await writeFile(input, content, { mode: 0o600 });
    const providers = flag.startsWith('rc2') ? ['-provider', 'legacy', '-provider', 'default'] : [];
    const recipients = recipientCertPaths.flatMap((path) => ['-recip', path]);
    const args = ['cms', '-encrypt', ...providers, '-binary', `-${flag}`, '-in', input, ...recipients, '-outform', 'DER', '-out', output];
    const run = await runProcess('openssl', args);
    if (run.exitCode !== 0) throw new Error(`openssl cms -encrypt -${flag} failed (exit ${run.exitCode}): ${run.stderr.split('\n')[0] ?? ''}`);
    return new Uint8Array(await readFile(output));
  });
}
