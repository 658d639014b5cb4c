// Certificates the shared test PKI does not have (EC P-384, an id-RSASSA-PSS key, certificates
// signed with RSASSA-PSS and with ECDSA), made with the openssl command line at test time.
// Node-only test support: outside src/, so it is neither built nor shipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExtraIdentity {
  readonly cert: Uint8Array;
  /** PKCS#8 DER. */
  readonly key: Uint8Array;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface ExtraPki {
  readonly dir: string;
  /** EC P-384 and EC P-521, issued by the shared test root. */
  readonly p384: ExtraIdentity;
  readonly p521: ExtraIdentity;
  /** An id-RSASSA-PSS key (RFC 4055): signatures only, PSS only; issued by the shared root. */
  readonly pssKey: ExtraIdentity;
  /** An RSA key whose certificate the shared root signed with RSASSA-PSS. */
  readonly pssSigned: ExtraIdentity;
  /** A self-signed EC P-384 CA, and an RSA certificate it signed with ecdsa-with-SHA384. */
  readonly ecCa: ExtraIdentity;
  readonly ecSigned: ExtraIdentity;
  cleanup(): void;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export function openssl(dir: string, ...args: string[]): RunResult {
  const result = spawnSync('openssl', args, { cwd: dir, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr?.toString('utf8') ?? '' };
}

export function opensslOk(dir: string, ...args: string[]): RunResult {
  const result = openssl(dir, ...args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${String(result.status)}): ${result.stderr}`);
  return result;
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

const CONFIG = `[req]
distinguished_name = dn
[dn]
[ee]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ee_ec]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

type KeyKind = 'rsa' | 'rsa-pss' | 'P-384' | 'P-521';

export function makeExtraPki(root: { readonly certPath: string; readonly keyPath: string }): ExtraPki {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-forge-'));
  writeFileSync(join(dir, 'openssl.cnf'), CONFIG);
  let serial = 0x5000;

  const newKey = (name: string, kind: KeyKind): void => {
    const options =
      kind === 'P-384' || kind === 'P-521' ? ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${kind}`] : ['-algorithm', kind === 'rsa' ? 'RSA' : 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'];
    opensslOk(dir, 'genpkey', ...options, '-out', `${name}.key`);
  };
  const load = (name: string): ExtraIdentity => ({
    cert: pemToDer(readFileSync(join(dir, `${name}.pem`), 'utf8')),
    key: pemToDer(readFileSync(join(dir, `${name}.key`), 'utf8')),
    certPath: join(dir, `${name}.pem`),
    keyPath: join(dir, `${name}.key`),
  });
  const issue = (name: string, kind: KeyKind, issuer: { certPath: string; keyPath: string }, signOptions: readonly string[]): ExtraIdentity => {
    newKey(name, kind);
    opensslOk(dir, 'req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-config', 'openssl.cnf', '-out', `${name}.csr`);
    const section = kind === 'P-384' || kind === 'P-521' ? 'ee_ec' : 'ee';
    writeFileSync(join(dir, `${name}.ext`), CONFIG.replace(`[${section}]`, `[${section}]\nsubjectAltName = email:${name}@example.com`));
    opensslOk(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      issuer.certPath,
      '-CAkey',
      issuer.keyPath,
      '-set_serial',
      String(serial++),
      '-days',
      '3650',
      ...signOptions,
      '-extfile',
      `${name}.ext`,
      '-extensions',
      section,
      '-out',
      `${name}.pem`,
    );
    return load(name);
  };

  newKey('ecca', 'P-384');
  opensslOk(dir, 'req', '-new', '-x509', '-key', 'ecca.key', '-subj', '/CN=Forge Test EC CA', '-days', '3650', '-sha384', '-config', 'openssl.cnf', '-extensions', 'ca', '-out', 'ecca.pem');
  const ecCa = load('ecca');
  return {
    dir,
    p384: issue('pat', 'P-384', root, ['-sha384']),
    p521: issue('pia', 'P-521', root, ['-sha512']),
    pssKey: issue('quinn', 'rsa-pss', root, ['-sha256']),
    pssSigned: issue('rita', 'rsa', root, ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']),
    ecCa,
    ecSigned: issue('sam', 'rsa', ecCa, ['-sha384']),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes bytes into the PKI folder and returns the path. */
export function writeTemp(pki: ExtraPki, name: string, bytes: Uint8Array): string {
  const path = join(pki.dir, name);
  writeFileSync(path, bytes);
  return path;
}

/**
 * Runs openssl in a fresh private folder holding `inputs` (by file name), returns the file `output`
 * it wrote, or null when it exits non-zero. Paths in `args` are relative to that folder.
 */
export function opensslInFolder(inputs: Readonly<Record<string, Uint8Array>>, args: readonly string[], output: string): Uint8Array | null {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-forge-run-'));
  try {
    for (const [name, bytes] of Object.entries(inputs)) writeFileSync(join(dir, name), bytes, { mode: 0o600 });
    const result = openssl(dir, ...args);
    return result.status === 0 ? new Uint8Array(readFileSync(join(dir, output))) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
