import {
  type HeaderProtectionReport,
  type MimeEntity,
  type OpenLayer,
  type OpenReport,
  type SignerReport,
  bytesEqual,
  decodeBody,
  decodeHeaderWords,
  parseCertificate,
  parseMime,
  textWithoutLegacyDisplay,
} from '@sealpost/core';

/** A signer as a reader needs to see it. */
export interface SignerView {
  readonly subject: string;
  readonly addresses: readonly string[];
  readonly signatureValid: boolean;
  readonly trusted: boolean;
  readonly matchesFrom: boolean;
  /** The From address the signer was checked against, or null when the message has none (or several). */
  readonly from: string | null;
  /** Subjects from the signer up to the trust anchor (the anchor last, when one was reached). */
  readonly chain: readonly string[];
  readonly signingTime: string | null;
  readonly algorithm: string;
}

export interface LayerView {
  readonly kind: 'signed' | 'encrypted';
  /** e.g. "Encrypted: AES-256-GCM, authenticated". */
  readonly title: string;
  readonly details: readonly string[];
}

export interface HeaderView {
  readonly name: string;
  /** RFC 2047 words decoded. */
  readonly value: string;
  /** True when the field came out of a signed or encrypted layer, not from the outer header as received. */
  readonly fromInside: boolean;
}

/** The signers of the layers that speak for the message (a signature over ciphertext only does not). */
export function signersOf(report: OpenReport, trustAnchors: readonly Uint8Array[]): SignerView[] {
  return report.layers.flatMap((layer) => (layer.type === 'signed' && layer.coversCiphertextOnly !== true ? layer.signers.map((s) => signerView(s, layer.from, trustAnchors)) : []));
}

function signerView(signer: SignerReport, from: string | null, trustAnchors: readonly Uint8Array[]): SignerView {
  return {
    subject: signer.certificate?.subject ?? '(no certificate)',
    addresses: signer.addresses,
    signatureValid: signer.signatureValid,
    trusted: signer.trusted,
    matchesFrom: signer.matchesFrom,
    from,
    chain: signer.certificate === null ? [] : chainSubjects(signer, trustAnchors),
    signingTime: signer.signingTime ?? null,
    algorithm: `${signer.signatureAlgorithm}, ${signer.digest}`,
  };
}

/** Leaf, the intermediates core used, then the anchor that issued the last of them (trusted signers only). */
function chainSubjects(signer: SignerReport, trustAnchors: readonly Uint8Array[]): string[] {
  const subjects = [signer.certificate!.subject];
  if (!signer.trusted) return subjects;
  let issuerDer = signer.certificateDer === undefined ? null : parseCertificate(signer.certificateDer).issuerDer;
  for (const der of signer.chain ?? []) {
    const info = parseCertificate(der);
    subjects.push(info.subject);
    issuerDer = info.issuerDer;
  }
  const anchor = trustAnchors.map((der) => parseCertificate(der)).find((a) => issuerDer !== null && bytesEqual(a.subjectDer, issuerDer));
  if (anchor !== undefined && anchor.subject !== subjects.at(-1)) subjects.push(anchor.subject);
  return subjects;
}

/** Each signed or encrypted layer, outside in. */
export function layersOf(report: OpenReport): LayerView[] {
  return report.layers.map(layerView);
}

function layerView(layer: OpenLayer): LayerView {
  if (layer.type === 'enveloped') {
    const cipher = layer.cipher === undefined ? 'unknown cipher' : cipherName(layer.cipher);
    const how = layer.authenticated === true ? 'authenticated' : 'not authenticated';
    const details = [
      layer.status === 'decrypted' ? 'Decrypted with your key.' : `Status: ${layer.status}.`,
      layer.authenticated === true
        ? 'Authenticated encryption (AES-GCM): the content cannot have been changed without the decryption failing.'
        : 'Not authenticated (CBC): encryption alone does not stop someone changing the content on the way.',
      ...(layer.keyTransport === undefined ? [] : [`Key transport: ${layer.keyTransport}.`]),
      ...(layer.keyAgreement === undefined ? [] : [`Key agreement: ${layer.keyAgreement}.`]),
      ...(layer.encryptedPath === undefined ? [] : [`Encrypted part: ${layer.encryptedPath}.`]),
    ];
    return { kind: 'encrypted', title: `Encrypted: ${cipher}, ${how}`, details };
  }
  const form = layer.form === undefined ? '' : ` (${layer.form === 'detached' ? 'detached, multipart/signed' : 'opaque'})`;
  const details = [
    ...(layer.coversCiphertextOnly === true ? ['This signature covers only encrypted data: it says nothing about who wrote the message.'] : []),
    ...(layer.signedPath === undefined ? [] : [`Signed part: ${layer.signedPath}.`]),
    ...(layer.canonicalized === true ? ['Stored with bare LF line ends; verified over its CRLF form.'] : []),
    ...(layer.verificationTime === undefined ? [] : [`Certificates judged at ${layer.verificationTime}.`]),
  ];
  return { kind: 'signed', title: `Signed${form}: ${layer.status}`, details };
}

/** "aes-256-gcm" as "AES-256-GCM"; other names as core gives them. */
function cipherName(cipher: string): string {
  return /^aes-/.test(cipher) ? cipher.toUpperCase() : cipher;
}

/**
 * What the cryptography vouches for, in sentences. Only layers that decide the verdict count: a signature
 * over ciphertext authenticates nothing a reader sees.
 */
export function authenticatedOf(report: OpenReport, headers: readonly HeaderView[], protection: HeaderProtectionReport | null): string[] {
  const lines: string[] = [];
  const signed = report.layers.find((l) => l.type === 'signed' && l.coversCiphertextOnly !== true && (l.status === 'valid' || l.status === 'untrusted'));
  const encrypted = report.layers.find((l) => l.type === 'enveloped' && l.status === 'decrypted');
  if (signed !== undefined && signed.type === 'signed') {
    const who = signed.signers.flatMap((s) => s.addresses).join(', ') || 'the signer';
    lines.push(
      signed.status === 'valid'
        ? `The body and the header fields inside the signed part were written by ${who} and not changed since.`
        : `The body and the header fields inside the signed part are unchanged since ${who} signed them, but nobody you trust vouches for that certificate.`,
    );
  } else if (report.layers.some((l) => l.type === 'signed' && l.status === 'invalid')) {
    lines.push('Nothing: the signature is broken, so neither the body nor any header field is vouched for.');
  } else {
    lines.push('No signature vouches for who wrote this message.');
  }
  if (encrypted !== undefined && encrypted.type === 'enveloped') {
    lines.push(
      encrypted.authenticated === true
        ? 'The encrypted content was not changed on the way (authenticated encryption), though encryption alone does not say who sent it.'
        : 'The encryption is not authenticated: without a valid signature inside, the content could have been changed on the way.',
    );
  }
  if (protection !== null) {
    lines.push(`Header protection (RFC 9788): ${protection.headers.map((h) => h.name).join(', ')} travelled inside the ${coveredBy(protection)}.`);
  } else if (signed !== undefined) {
    const outside = headers.filter((h) => !h.fromInside && !isStructural(h.name)).map((h) => h.name);
    if (outside.length > 0) lines.push(`Not covered by the signature: ${[...new Set(outside)].join(', ')} (outer header fields; only From is checked, against the certificate).`);
  }
  return lines;
}

/** "signature", "encryption" or both: what covered the protected header fields. */
export function coveredBy(protection: HeaderProtectionReport): string {
  return [protection.signed ? 'signature' : '', protection.encrypted ? 'encryption' : ''].filter(Boolean).join(' and ') || 'message';
}

function isStructural(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'mime-version' || lower.startsWith('content-');
}

/**
 * The header fields of what open returned (or of the message as received, when a layer failed), each
 * marked when it came from inside a layer: a field RFC 9788 protection lists, or whose exact bytes are not
 * in the received outer header (an equal field outside counts as outside: never claim more than is known).
 */
export function headersOf(message: Uint8Array, report: OpenReport): HeaderView[] {
  const outer = parseMime(message).headers;
  if (report.content === undefined) return outer.map((h) => ({ name: h.name, value: decodeHeaderWords(h.value), fromInside: false }));
  const protection = report.headerProtection;
  const protectedNames = new Set((protection?.headers ?? []).map((h) => h.name.toLowerCase()));
  // HP-Outer records are RFC 9788's bookkeeping of the outer header; the differences section reads them.
  const fields = parseMime(report.content).headers.filter((h) => protection === undefined || h.name.toLowerCase() !== 'hp-outer');
  return fields.map((h) => ({
    name: h.name,
    value: decodeHeaderWords(h.value),
    fromInside: protectedNames.has(h.name.toLowerCase()) || !outer.some((o) => bytesEqual(o.raw, h.raw)),
  }));
}

/** The first text/plain part that is not an attachment, decoded; null when there is none or a layer failed. */
export function textBodyOf(report: OpenReport): string | null {
  if (report.content === undefined) return null;
  const part = firstText(parseMime(report.content));
  if (part === null) return null;
  // RFC 9788 4.3.3: a reader that shows the protected header itself hides the legacy display element.
  return (report.headerProtection === undefined ? undefined : textWithoutLegacyDisplay(part)) ?? decodeText(part);
}

function firstText(entity: MimeEntity): MimeEntity | null {
  const { type, subtype } = entity.contentType;
  if (type === 'multipart') {
    for (const child of entity.children) {
      const found = firstText(child);
      if (found !== null) return found;
    }
    return null;
  }
  const disposition = entity.headers.find((h) => h.name.toLowerCase() === 'content-disposition')?.value ?? '';
  return type === 'text' && subtype === 'plain' && !/^\s*attachment/i.test(disposition) ? entity : null;
}

function decodeText(entity: MimeEntity): string {
  const charset = entity.contentType.params['charset'] ?? 'us-ascii';
  const bytes = decodeBody(entity);
  try {
    return new TextDecoder(charset === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  } catch {
    // An unknown charset label: show the bytes as UTF-8 rather than nothing.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Core's RFC 9788 report, when the message carries its header fields inside its layers. */
export function headerProtectionOf(report: OpenReport): HeaderProtectionReport | null {
  return report.headerProtection ?? null;
}

/** Protected fields decoded for display. */
export function protectedHeadersOf(protection: HeaderProtectionReport): HeaderView[] {
  return protection.headers.map((h) => ({ name: h.name, value: decodeHeaderWords(h.value), fromInside: true }));
}
