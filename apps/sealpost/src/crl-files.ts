import { SealpostError, parseCrl, pemDecode } from '@sealpost/core';
import { withFileContext } from './certificate-files.js';
import { readFileArg } from './io.js';

// CRL files for verify and open --crl: read and checked here, so a file that is no CRL is refused before
// the message is read (exit 2), with the file named.

/** Every CRL in one PEM (one or more "X509 CRL" blocks) or DER file; at least one. */
export async function loadCrlFile(path: string): Promise<Uint8Array[]> {
  const bytes = await readFileArg(path, 'CRL');
  return withFileContext(path, 'CRL', async () => {
    const text = new TextDecoder('latin1').decode(bytes);
    const crls = text.includes('-----BEGIN ') ? pemDecode(text, 'X509 CRL') : [bytes];
    if (crls.length === 0) throw new SealpostError('ERR_CRL_MALFORMED', 'no "X509 CRL" PEM block found');
    for (const crl of crls) parseCrl(crl);
    return crls;
  });
}

export async function loadCrlFiles(paths: readonly string[]): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for (const path of paths) all.push(...(await loadCrlFile(path)));
  return all;
}
