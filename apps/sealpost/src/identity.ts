import { type Identity, isSealpostError, readPkcs12, readPrivateKey } from '@sealpost/core';
import { loadCertificateFile, loadCertificateFiles, withFileContext } from './certificate-files.js';
import { CliError, usageError } from './errors.js';
import { readSecretFile } from './secret-files.js';
import { checkVariableName } from './secrets.js';

export interface IdentityFlags {
  readonly cert?: readonly string[] | undefined;
  readonly key?: readonly string[] | undefined;
  readonly p12?: readonly string[] | undefined;
  /** Name of the environment variable holding the passphrase (of the .p12 or of an encrypted key). */
  readonly passEnv?: string | undefined;
  /** Extra chain certificates to carry along when signing. */
  readonly chain?: readonly string[] | undefined;
}

/**
 * Passphrases come only from the environment: an argument shows up in `ps` and in shell history.
 * Naming a variable that is not set is a mistake worth stopping for.
 */
export function passphraseFromEnv(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  checkVariableName(variable, '--pass-env');
  const value = process.env[variable];
  if (value === undefined) throw new CliError('ERR_PASSPHRASE_MISSING', `environment variable ${variable} (named by --pass-env) is not set`);
  return value;
}

/** Exactly one identity: `--cert F --key F` or `--p12 F`. */
export async function loadIdentity(flags: IdentityFlags): Promise<Identity> {
  const identities = await loadIdentities(flags);
  if (identities.length === 0) throw usageError('an identity is needed: --cert FILE --key FILE, or --p12 FILE [--pass-env VAR]');
  if (identities.length > 1) throw usageError('give one identity: one --cert/--key pair or one --p12');
  return identities[0]!;
}

/** Any number of identities: `--cert/--key` pairs in order, then each `--p12`. */
export async function loadIdentities(flags: IdentityFlags): Promise<Identity[]> {
  const certs = flags.cert ?? [];
  const keys = flags.key ?? [];
  if (certs.length !== keys.length) throw usageError('every --cert needs its --key (give them in pairs, in the same order)');
  const passphrase = passphraseFromEnv(flags.passEnv);
  const chain = await loadCertificateFiles(flags.chain ?? [], 'chain certificate');
  const identities: Identity[] = [];
  for (const [i, certPath] of certs.entries()) {
    identities.push(await identityFromPem(certPath, keys[i]!, passphrase, chain));
  }
  for (const p12Path of flags.p12 ?? []) identities.push(await identityFromPkcs12(p12Path, passphrase, chain));
  return identities;
}

async function identityFromPem(certPath: string, keyPath: string, passphrase: string | undefined, chain: readonly Uint8Array[]): Promise<Identity> {
  const [certificate, ...rest] = await loadCertificateFile(certPath, 'certificate');
  const keyBytes = await readSecretFile(keyPath, 'private key', { pipes: true });
  const privateKey = await withFileContext(keyPath, 'private key', async () => {
    try {
      return await readPrivateKey(keyBytes, passphrase);
    } catch (error) {
      if (passphrase === undefined && isSealpostError(error, 'ERR_INVALID_ARGUMENT')) throw passphraseNeeded(`private key ${keyPath}`);
      throw error;
    }
  });
  return { certificate: certificate!, privateKey, chain: [...rest, ...chain] };
}

async function identityFromPkcs12(path: string, passphrase: string | undefined, chain: readonly Uint8Array[]): Promise<Identity> {
  const bytes = await readSecretFile(path, 'PKCS#12 file', { pipes: true });
  // No --pass-env: try the empty password, which is what unprotected exports use. When it does not
  // open the file, the passphrase is what is missing: saying so beats "wrong passphrase", since none
  // was given.
  const p12 = await withFileContext(path, 'PKCS#12 file', async () => {
    try {
      return await readPkcs12(bytes, passphrase ?? '');
    } catch (error) {
      if (passphrase === undefined && isSealpostError(error, 'ERR_PKCS12_PASSWORD')) throw passphraseNeeded(`PKCS#12 file ${path}`);
      throw error;
    }
  });
  return { certificate: p12.certificate, privateKey: p12.privateKey, chain: [...p12.chain, ...chain] };
}

/** A protected key or .p12 and no --pass-env: what is missing, and where it goes (never an argument). */
function passphraseNeeded(what: string): CliError {
  return new CliError('ERR_PASSPHRASE_MISSING', `${what} is protected by a passphrase: put it in an environment variable and name the variable with --pass-env VAR`);
}
