// Self-signed identities of key types the shared test PKI does not have, made with the openssl
// command line in a test's scratch folder.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface ExtraIdentity {
  readonly cert: Uint8Array;
  /** PKCS#8 DER. */
  readonly keyDer: Uint8Array;
  readonly certPath: string;
  readonly keyPath: string;
}

const NEWKEY: Record<string, string[]> = {
  'ec-p384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'ec-p521': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  ed25519: ['-newkey', 'ed25519'],
  'rsa-pss': ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
};

export function makeIdentity(dir: string, kind: keyof typeof NEWKEY & string, email: string): ExtraIdentity {
  const keyPath = join(dir, `${kind}.key`);
  const certPath = join(dir, `${kind}.crt`);
  execFileSync('openssl', ['req', '-x509', ...NEWKEY[kind]!, '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '30', '-subj', `/CN=${kind} test`, '-addext', `subjectAltName=email:${email}`], {
    stdio: 'pipe',
  });
  const keyDer = new Uint8Array(execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']));
  const cert = new Uint8Array(execFileSync('openssl', ['x509', '-in', certPath, '-outform', 'DER']));
  return { cert, keyDer, certPath, keyPath };
}

/** A certificate for an X25519 key (which cannot sign itself), issued by a test CA. */
export function makeX25519Certificate(dir: string, caCertPath: string, caKeyPath: string): Uint8Array {
  const key = join(dir, 'x25519.key');
  const pub = join(dir, 'x25519.pub');
  const csr = join(dir, 'x25519.csr');
  const cert = join(dir, 'x25519.crt');
  execFileSync('openssl', ['genpkey', '-algorithm', 'x25519', '-out', key], { stdio: 'pipe' });
  execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-out', pub], { stdio: 'pipe' });
  execFileSync('openssl', ['req', '-new', '-key', caKeyPath, '-subj', '/CN=x25519 test', '-out', csr], { stdio: 'pipe' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', caCertPath, '-CAkey', caKeyPath, '-force_pubkey', pub, '-days', '30', '-out', cert], { stdio: 'pipe' });
  return new Uint8Array(execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']));
}
