// Test PKI made on the spot with the openssl command line, and a thin runner for `openssl cms`.
// Node-only test support: it lives outside src/ so it is neither built nor shipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Identity {
  readonly name: string;
  /** Certificate DER. */
  readonly cert: Uint8Array;
  /** PKCS#8 DER. */
  readonly key: Uint8Array;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestPki {
  readonly dir: string;
  readonly caPath: string;
  readonly ca: Identity;
  /** RSA-2048, emailProtection, signed by ca with sha256WithRSAEncryption. */
  readonly alice: Identity;
  /** RSA-2048, a second recipient. */
  readonly bob: Identity;
  /** EC P-256. */
  readonly carol: Identity;
  /** EC P-384. */
  readonly dave: Identity;
  /** RSA-2048, certificate signed by ca with RSASSA-PSS. */
  readonly pssSigned: Identity;
  /** RSA-2048 key of type id-RSASSA-PSS (RFC 4055): signatures only, PSS only. */
  readonly pssKey: Identity;
  /** EC P-384 CA and an RSA end entity it signed with ecdsa-with-SHA384. */
  readonly ecCa: Identity;
  readonly ecSigned: Identity;
  cleanup(): void;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], cwd: string, input?: Uint8Array): RunResult {
  const result = spawnSync(command, args, { cwd, input, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr?.toString('utf8') ?? '' };
}

export function openssl(dir: string, ...args: string[]): RunResult {
  return run('openssl', args, dir);
}

/** Runs openssl and throws with its stderr if it fails. */
export function opensslOk(dir: string, ...args: string[]): RunResult {
  const result = openssl(dir, ...args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result;
}

export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

const EXTENSIONS = `
[ee_rsa]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ee_ec]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyAgreement
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

let serial = 0x1000;

type KeyAlgorithm = 'rsa' | 'rsa-pss' | 'P-256' | 'P-384';

function newKey(dir: string, name: string, algorithm: KeyAlgorithm): void {
  const options =
    algorithm === 'rsa' || algorithm === 'rsa-pss'
      ? ['-algorithm', algorithm === 'rsa' ? 'RSA' : 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048']
      : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${algorithm}`];
  opensslOk(dir, 'genpkey', ...options, '-out', `${name}.key`);
}

function load(dir: string, name: string): Identity {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  return {
    name,
    cert: pemToDer(readFileSync(certPath, 'utf8')),
    key: pemToDer(readFileSync(keyPath, 'utf8')),
    certPath,
    keyPath,
  };
}

function selfSignedCa(dir: string, name: string, algorithm: 'rsa' | 'P-384', digest: string): Identity {
  newKey(dir, name, algorithm);
  opensslOk(dir, 'req', '-new', '-x509', '-key', `${name}.key`, '-subj', `/CN=Backend Test ${name}`, '-days', '3650', `-${digest}`, '-config', 'ext.cnf', '-extensions', 'ca', '-out', `${name}.pem`);
  return load(dir, name);
}

function endEntity(dir: string, name: string, algorithm: KeyAlgorithm, issuer: string, signOptions: readonly string[] = ['-sha256']): Identity {
  newKey(dir, name, algorithm);
  opensslOk(dir, 'req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}/emailAddress=${name}@example.com`, '-out', `${name}.csr`);
  const section = algorithm === 'rsa' || algorithm === 'rsa-pss' ? 'ee_rsa' : 'ee_ec';
  writeFileSync(join(dir, `${name}.ext`), EXTENSIONS.replace(`[${section}]`, `[${section}]\nsubjectAltName = email:${name}@example.com`));
  opensslOk(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.pem`,
    '-CAkey',
    `${issuer}.key`,
    '-set_serial',
    String(serial++),
    '-days',
    '365',
    ...signOptions,
    '-extfile',
    `${name}.ext`,
    '-extensions',
    section,
    '-out',
    `${name}.pem`,
  );
  return load(dir, name);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-pkijs-'));
  writeFileSync(join(dir, 'ext.cnf'), `[req]\ndistinguished_name = dn\n[dn]\n${EXTENSIONS}`);
  const ca = selfSignedCa(dir, 'ca', 'rsa', 'sha256');
  const ecCa = selfSignedCa(dir, 'ecca', 'P-384', 'sha384');
  return {
    dir,
    caPath: ca.certPath,
    ca,
    alice: endEntity(dir, 'alice', 'rsa', 'ca'),
    bob: endEntity(dir, 'bob', 'rsa', 'ca'),
    carol: endEntity(dir, 'carol', 'P-256', 'ca'),
    dave: endEntity(dir, 'dave', 'P-384', 'ca'),
    pssSigned: endEntity(dir, 'pss', 'rsa', 'ca', ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']),
    pssKey: endEntity(dir, 'psskey', 'rsa-pss', 'ca'),
    ecCa,
    ecSigned: endEntity(dir, 'ecsigned', 'rsa', 'ecca', ['-sha384']),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes bytes to a file in the PKI directory and returns its path. */
export function writeTemp(pki: TestPki, name: string, bytes: Uint8Array): string {
  const path = join(pki.dir, name);
  writeFileSync(path, bytes);
  return path;
}

export function readTemp(pki: TestPki, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(pki.dir, name)));
}
