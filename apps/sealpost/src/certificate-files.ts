import { type ErrorCode, SealpostError, isSealpostError, readCertificates } from '@sealpost/core';
import { readFileArg } from './io.js';

// Certificate files apart from identities (keys, PKCS#12): what verify and inspect need and no more.

/** Every certificate in one PEM (possibly several blocks) or DER file; at least one. */
export async function loadCertificateFile(path: string, what: string): Promise<Uint8Array[]> {
  const bytes = await readFileArg(path, what);
  const certs = await withFileContext(path, what, async () => readCertificates(bytes));
  if (certs.length === 0) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `${what} ${path}: no certificate found`);
  return certs;
}

export async function loadCertificateFiles(paths: readonly string[], what: string): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for (const path of paths) all.push(...(await loadCertificateFile(path, what)));
  return all;
}

/** Core's error, with the file it came from in front, code unchanged. */
export async function withFileContext<T>(path: string, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isSealpostError(error)) throw error;
    throw new SealpostError(error.code as ErrorCode, `${what} ${path}: ${error.message}`, { cause: error });
  }
}
