import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type TestKeyType, generateTestCa, generateTestIdentity, pemEncode, writePkcs12 } from '@sealpost/core';
import { CliError, usageError } from './errors.js';
import { loadCertificateFile } from './identity.js';
import { exists, readFileArg, writeFileAtomic } from './io.js';
import { readPrivateKey } from '@sealpost/core';

export interface KeygenOptions {
  readonly email: string;
  readonly outDir: string;
  /** Folder holding ca.crt and ca.key to issue with; without it a new test CA is made in outDir. */
  readonly caDir?: string | undefined;
  readonly keyType?: TestKeyType | undefined;
  /** Protects the .p12; without it no .p12 is written. */
  readonly p12Passphrase?: string | undefined;
}

export interface KeygenResult {
  readonly caCert: string;
  /** Set when a new CA was made. */
  readonly caKey?: string;
  readonly cert: string;
  readonly key: string;
  readonly p12?: string;
}

const CERT_MODE = 0o644;
const SECRET_MODE = 0o600;
export const TEST_CA_NAME = 'Sealpost Test CA';

/** A test identity (and, unless given one, a test CA) as files. Never replaces an existing file. */
export async function writeTestIdentity(options: KeygenOptions): Promise<KeygenResult> {
  const email = checkedEmail(options.email);
  const paths = plannedPaths(options, email);
  await refuseExisting(paths);
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });

  const keyType = options.keyType;
  const ca = options.caDir === undefined ? await newCa(paths, keyType) : await existingCa(options.caDir);
  const identity = await generateTestIdentity({ email, ca, ...(keyType === undefined ? {} : { keyType }) });
  await writeFileAtomic(paths.cert, text(pemEncode(identity.certificate, 'CERTIFICATE')), CERT_MODE, { exclusive: true });
  await writeFileAtomic(paths.key, text(pemEncode(identity.privateKey.der, 'PRIVATE KEY')), SECRET_MODE, { exclusive: true });
  if (options.p12Passphrase !== undefined && paths.p12 !== undefined) {
    const p12 = await writePkcs12({ certificate: identity.certificate, privateKey: identity.privateKey, chain: [ca.certificate] }, options.p12Passphrase);
    await writeFileAtomic(paths.p12, p12, SECRET_MODE, { exclusive: true });
  }
  return paths;
}

interface Ca {
  readonly certificate: Uint8Array;
  readonly privateKey: { readonly type: 'pkcs8'; readonly der: Uint8Array };
}

async function newCa(paths: KeygenResult, keyType: TestKeyType | undefined): Promise<Ca> {
  const ca = await generateTestCa({ commonName: TEST_CA_NAME, ...(keyType === undefined ? {} : { keyType }) });
  await writeFileAtomic(paths.caCert, text(pemEncode(ca.certificate, 'CERTIFICATE')), CERT_MODE, { exclusive: true });
  await writeFileAtomic(paths.caKey!, text(pemEncode(ca.privateKey.der, 'PRIVATE KEY')), SECRET_MODE, { exclusive: true });
  return ca;
}

async function existingCa(dir: string): Promise<Ca> {
  const [certificate] = await loadCertificateFile(join(dir, 'ca.crt'), 'CA certificate');
  const privateKey = await readPrivateKey(await readFileArg(join(dir, 'ca.key'), 'CA private key'));
  return { certificate: certificate!, privateKey };
}

function plannedPaths(options: KeygenOptions, email: string): KeygenResult {
  const base = join(options.outDir, email);
  return {
    caCert: join(options.caDir ?? options.outDir, 'ca.crt'),
    ...(options.caDir === undefined ? { caKey: join(options.outDir, 'ca.key') } : {}),
    cert: `${base}.crt`,
    key: `${base}.key`,
    ...(options.p12Passphrase === undefined ? {} : { p12: `${base}.p12` }),
  };
}

/** Checked before anything is generated, so a refusal leaves no half-made set of files. */
async function refuseExisting(paths: KeygenResult): Promise<void> {
  const targets = [paths.caKey === undefined ? undefined : paths.caCert, paths.caKey, paths.cert, paths.key, paths.p12];
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
