import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Pkcs8PrivateKey, SealpostError, keyMatchesCertificate, parseCertificate, pemEncode, privateKeyInfo, readPrivateKey, writePkcs12 } from '@sealpost/core';
import { type TestCa, type TestKeyType, generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { cleanupOnSignal } from './cleanup-on-signal.js';
import { CliError, usageError } from './errors.js';
import { loadCertificateFile } from './certificate-files.js';
import { exists, makeDirectory, writeFileAtomic } from './io.js';
import { readSecretFile } from './secret-files.js';

export interface KeygenOptions {
  readonly email: string;
  readonly outDir: string;
  /** Folder holding ca.crt and ca.key to issue with; without it a new test CA is made in outDir. */
  readonly caDir?: string | undefined;
  readonly keyType?: TestKeyType | undefined;
  /** Protects the .p12; without it the .p12 has the empty password (like the .key, it relies on mode 0600). */
  readonly p12Passphrase?: string | undefined;
  /** Where the CA's CRL is served, written into the certificate's cRLDistributionPoints (the demo's). */
  readonly crlDistributionPoint?: string | undefined;
}

export interface KeygenResult {
  readonly caCert: string;
  /** Set when a new CA was made. */
  readonly caKey?: string;
  readonly cert: string;
  readonly key: string;
  readonly p12: string;
  /** True when the .p12 has the empty password. */
  readonly p12Unprotected: boolean;
  /**
   * For Ed25519 (which only signs): the X25519 encryption identity made with it, as RFC 9216 pairs them,
   * DIR/ADDRESS.enc.crt, .enc.key and .enc.p12.
   */
  readonly encryption?: { readonly cert: string; readonly key: string; readonly p12: string };
}

const CERT_MODE = 0o644;
const SECRET_MODE = 0o600;
export const TEST_CA_NAME = 'Sealpost Test CA';

/** A test identity (and, unless given one, a test CA) as files. Never replaces an existing file. */
export async function writeTestIdentity(options: KeygenOptions): Promise<KeygenResult> {
  const email = checkedEmail(options.email);
  const paths = plannedPaths(options, email);
  await refuseExisting(paths);
  await makeDirectory(options.outDir);

  // The files make one set: a signal half way removes the ones this run wrote, so that neither a key
  // without its certificate stays behind nor a rerun is refused for files it would have to replace.
  const written: string[] = [];
  const forget = cleanupOnSignal(() => {
    for (const path of written) rmSync(path, { force: true });
  });
  const write = async (path: string, bytes: Uint8Array, mode: number): Promise<void> => {
    // Listed first: the file is there as soon as link(2) returns, before this code runs again.
    written.push(path);
    try {
      await writeFileAtomic(path, bytes, mode, { exclusive: true });
    } catch (error) {
      written.pop(); // not ours (ERR_FILE_EXISTS) or not written
      throw error;
    }
  };
  try {
    const keyType = options.keyType;
    const ca = options.caDir === undefined ? await newCa(paths, keyType, write) : await existingCa(options.caDir);
    const identity = await generateTestIdentity({
      email,
      ca,
      ...(keyType === undefined ? {} : { keyType }),
      ...(options.crlDistributionPoint === undefined ? {} : { crlDistributionPoint: options.crlDistributionPoint }),
    });
    await write(paths.cert, text(pemEncode(identity.certificate, 'CERTIFICATE')), CERT_MODE);
    await write(paths.key, text(pemEncode(identity.privateKey.der, 'PRIVATE KEY')), SECRET_MODE);
    const p12 = await writePkcs12({ certificate: identity.certificate, privateKey: identity.privateKey, chain: [ca.certificate] }, options.p12Passphrase ?? '');
    await write(paths.p12, p12, SECRET_MODE);
    if (paths.encryption !== undefined) await writeEncryptionIdentity(paths.encryption, email, ca, options.p12Passphrase, write);
    return paths;
  } finally {
    forget();
  }
}

type WriteNew = (path: string, bytes: Uint8Array, mode: number) => Promise<void>;

/** The X25519 certificate an Ed25519 identity receives encrypted mail with (an Ed25519 key cannot), issued by the same CA. */
async function writeEncryptionIdentity(paths: NonNullable<KeygenResult['encryption']>, email: string, ca: TestCa, passphrase: string | undefined, write: WriteNew): Promise<void> {
  const identity = await generateTestIdentity({ email, ca, keyType: 'x25519' });
  await write(paths.cert, text(pemEncode(identity.certificate, 'CERTIFICATE')), CERT_MODE);
  await write(paths.key, text(pemEncode(identity.privateKey.der, 'PRIVATE KEY')), SECRET_MODE);
  await write(paths.p12, await writePkcs12({ certificate: identity.certificate, privateKey: identity.privateKey, chain: [ca.certificate] }, passphrase ?? ''), SECRET_MODE);
}

async function newCa(paths: KeygenResult, keyType: TestKeyType | undefined, write: WriteNew): Promise<TestCa> {
  const ca = await generateTestCa({ commonName: TEST_CA_NAME, ...(keyType === undefined ? {} : { keyType }) });
  await write(paths.caCert, text(pemEncode(ca.certificate, 'CERTIFICATE')), CERT_MODE);
  await write(paths.caKey!, text(pemEncode(ca.privateKey.der, 'PRIVATE KEY')), SECRET_MODE);
  return ca;
}

/** A CA made earlier (by keygen or by hand), read back from DIR/ca.crt and DIR/ca.key. */
export async function existingCa(dir: string): Promise<TestCa> {
  const certPath = join(dir, 'ca.crt');
  const [certificate] = await loadCertificateFile(certPath, 'CA certificate');
  const privateKey = await readPrivateKey(await readSecretFile(join(dir, 'ca.key'), 'CA private key'));
  if (!(await keyMatchesCertificate(privateKey, certificate!))) throw new SealpostError('ERR_KEY_MISMATCH', `${join(dir, 'ca.key')} is not the key of ${certPath}`);
  const info = parseCertificate(certificate!);
  if (!info.isCA) throw usageError(`${certPath} is not a CA certificate`);
  return { certificate: certificate!, privateKey, keyType: caKeyType(privateKey, certPath), commonName: info.subject, chain: [] };
}

function caKeyType(privateKey: Pkcs8PrivateKey, certPath: string): TestKeyType {
  const key = privateKeyInfo(privateKey);
  if (key.type === 'rsa') return key.bits >= 3072 ? 'rsa-3072' : 'rsa-2048';
  if (key.type === 'ec' && key.curve === 'P-256') return 'ec-p256';
  if (key.type === 'ed25519') return 'ed25519';
  throw usageError(`the key of ${certPath} is neither RSA, EC P-256 nor Ed25519; keygen cannot issue with it`);
}

function plannedPaths(options: KeygenOptions, email: string): KeygenResult {
  const base = join(options.outDir, email);
  return {
    caCert: join(options.caDir ?? options.outDir, 'ca.crt'),
    ...(options.caDir === undefined ? { caKey: join(options.outDir, 'ca.key') } : {}),
    cert: `${base}.crt`,
    key: `${base}.key`,
    p12: `${base}.p12`,
    p12Unprotected: options.p12Passphrase === undefined,
    ...(options.keyType === 'ed25519' ? { encryption: { cert: `${base}.enc.crt`, key: `${base}.enc.key`, p12: `${base}.enc.p12` } } : {}),
  };
}

/** Checked before anything is generated, so a refusal leaves no half-made set of files. */
async function refuseExisting(paths: KeygenResult): Promise<void> {
  const targets = [paths.caKey === undefined ? undefined : paths.caCert, paths.caKey, paths.cert, paths.key, paths.p12, paths.encryption?.cert, paths.encryption?.key, paths.encryption?.p12];
  for (const path of targets) {
    if (path !== undefined && (await exists(path)))
      throw new CliError('ERR_FILE_EXISTS', `${path} already exists; not replacing it${path === paths.caKey || path === paths.caCert ? ' (to issue with that CA, pass --ca DIR)' : ''}`);
  }
}

/** The address becomes a file name: no path separators, no leading dot, one @. */
function checkedEmail(email: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/.test(email) || email.startsWith('.') || email.includes('..'))
    throw usageError(`--email "${email}" is not a plain address like alice@example.com`);
  return email;
}

function text(pem: string): Uint8Array {
  return new TextEncoder().encode(pem);
}
