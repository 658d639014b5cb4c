import { privateKeyInfo, readCertificates, readPrivateKey } from '@sealpost/core';
import { type CertificateSummary, certificateLines, keyTypeName, summarizeCertificate } from './describe-certificate.js';
import { type Pkcs12Description, describePkcs12, isPkcs12, renderPkcs12 } from './describe-pkcs12.js';

/**
 * What `inspect` is given besides mail: certificates (PEM or DER), a PKCS#12 file, a PEM private key.
 * Any of them read as MIME would be a "text/plain" message, which tells the user nothing.
 */
export type FileDescription =
  | { readonly type: 'certificates'; readonly certificates: readonly CertificateSummary[] }
  | Pkcs12Description
  | { readonly type: 'private-key'; readonly encrypted: boolean; readonly keyType: string | null };

const SEQUENCE = 0x30;

/**
 * The description when `bytes` is a certificate, PKCS#12 or key file; undefined for anything else,
 * which is then a message. Mail starts with a header field; a body alone that happens to start with
 * "0" (0x30, a DER SEQUENCE) is tried as DER first and stays a message when it is none.
 */
export async function describeFile(bytes: Uint8Array, passphrase: string | undefined): Promise<FileDescription | undefined> {
  if (bytes[0] === SEQUENCE) {
    if (isPkcs12(bytes)) return describePkcs12(bytes, passphrase);
    const certificates = certificatesOrNone(bytes);
    return certificates === undefined ? undefined : { type: 'certificates', certificates };
  }
  const text = pemText(bytes);
  const labels = text === undefined ? undefined : pemLabels(text);
  if (text === undefined || labels === undefined) return undefined;
  if (labels.some((l) => l.endsWith('CERTIFICATE') || l === 'PKCS7')) {
    // Reading them is what `--trust` and `--to` do: a damaged file gets the same error here.
    return { type: 'certificates', certificates: readCertificates(bytes).map((der) => summarizeCertificate(der)) };
  }
  if (labels.includes('ENCRYPTED PRIVATE KEY')) return { type: 'private-key', encrypted: true, keyType: null };
  if (labels.some((l) => l.endsWith('PRIVATE KEY'))) return describePlainKey(bytes, text);
  return undefined;
}

function certificatesOrNone(bytes: Uint8Array): CertificateSummary[] | undefined {
  try {
    return readCertificates(bytes).map((der) => summarizeCertificate(der));
  } catch {
    return undefined;
  }
}

/**
 * The text of a PEM file, undefined unless it starts like one: with a boundary, or with the
 * "Bag Attributes" and "subject=" lines `openssl pkcs12` and `openssl x509` write before it.
 */
function pemText(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 1024 * 1024));
  const first = text.trimStart().split('\n', 1)[0] ?? '';
  return /^(-----BEGIN |Bag Attributes|subject=|issuer=)/.test(first) ? text : undefined;
}

function pemLabels(text: string): string[] | undefined {
  const labels = [...text.matchAll(/^-----BEGIN ([A-Z0-9 ]+)-----\r?$/gm)].map((m) => m[1]!);
  return labels.length === 0 ? undefined : labels;
}

/** The type of a private key, which `inspect` never prints a byte of; a legacy encrypted PEM key (DEK-Info) shows none. */
async function describePlainKey(bytes: Uint8Array, text: string): Promise<FileDescription> {
  if (/^Proc-Type: 4,ENCRYPTED\r?$/m.test(text)) return { type: 'private-key', encrypted: true, keyType: null };
  return { type: 'private-key', encrypted: false, keyType: keyTypeName(privateKeyInfo(await readPrivateKey(bytes))) };
}

export function renderFileDescription(d: FileDescription): string {
  if (d.type === 'pkcs12') return renderPkcs12(d);
  if (d.type === 'private-key') return d.encrypted ? 'private key, encrypted (its type is inside the encryption)\n' : `private key, not encrypted: ${d.keyType ?? 'unknown type'}\n`;
  return d.certificates.map((c, i) => [`certificate ${i + 1} of ${d.certificates.length}:`, ...certificateLines(c, '  ')].join('\n')).join('\n') + '\n';
}
