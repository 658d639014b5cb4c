import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@sealpost/fixtures';

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A self-signed server certificate made by openssl for this test run. SUBJECT_ALT_NAME decides
 * which names it is valid for (the default covers how the tests connect: 127.0.0.1 and localhost).
 */
export async function makeServerCertificate(subjectAltName = 'DNS:localhost,IP:127.0.0.1', commonName = 'localhost'): Promise<ServerCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-smtp-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltName}`];
    const result = await runProcess('openssl', args, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`openssl req failed: ${result.stderr}`);
    return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
