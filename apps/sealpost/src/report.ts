import {
  type DecryptReport,
  type HeaderProtectionReport,
  type OpenLayer,
  type OpenReport,
  type ReportError,
  type RevocationCheck,
  type SignerReport,
  type VerifyReport,
  decodeHeaderWords,
} from '@sealpost/core';
import { colorFor, paintVerdict } from './color.js';

/**
 * JSON for reports. Bytes never go into JSON: a report may travel to logs and tickets, the message
 * content must not. Bigints (RSA exponents) become decimal strings.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, jsonReplacer, 2)}\n`;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return undefined;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Uint8Array)) return undefined;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** The parts of a report that may be shown: everything but the bytes. */
export function withoutContent<T extends object>(report: T): Omit<T, 'content'> {
  const { content: _content, ...rest } = report as T & { content?: unknown };
  return rest;
}

// The text reports colour their verdicts where a person reads them (color.ts decides). The default
// for each is the stream docs/cli.md sends it to: verify's report to stdout, decrypt's and open's to
// stderr (their stdout is the message).

export function renderVerify(report: VerifyReport, color = colorFor(process.stdout)): string {
  return [`verify: ${paintVerdict(report.status, color)}`, ...signedLines(report, '  '), ...headerProtectionLines(report.headerProtection, '  ')].join('\n') + '\n';
}

export function renderDecrypt(report: DecryptReport, color = colorFor(process.stderr)): string {
  return [`decrypt: ${paintVerdict(report.status, color)}`, ...envelopedLines(report, '  '), ...headerProtectionLines(report.headerProtection, '  ')].join('\n') + '\n';
}

export function renderOpen(report: OpenReport, color = colorFor(process.stderr)): string {
  const lines = [`open: ${paintVerdict(report.status, color)}`];
  if (report.layers.length === 0) lines.push('  no signed or encrypted layer found');
  report.layers.forEach((layer, i) => {
    lines.push(`  layer ${i + 1} (${layerName(layer)}): ${paintVerdict(layer.status, color)}`);
    lines.push(...(layer.type === 'signed' ? signedLines(layer, '    ') : envelopedLines(layer, '    ')));
  });
  lines.push(...headerProtectionLines(report.headerProtection, '  '));
  return lines.join('\n') + '\n';
}

function layerName(layer: OpenLayer): string {
  return layer.type === 'signed' ? 'signed' : 'encrypted';
}

type SignedFacts = Omit<VerifyReport, 'content'>;
type EnvelopedFacts = Omit<DecryptReport, 'content'>;

function signedLines(report: SignedFacts & { readonly coversCiphertextOnly?: boolean }, indent: string): string[] {
  const lines = [`${indent}from:           ${report.from ?? '(none)'}`];
  if (report.form !== undefined) lines.push(`${indent}form:           ${report.form}`);
  if (report.signedPath !== undefined) lines.push(`${indent}signed part:    ${report.signedPath}`);
  if (report.coversCiphertextOnly === true) lines.push(`${indent}covers:         encrypted content only (not the message inside)`);
  if (report.canonicalized === true) lines.push(`${indent}line ends:      verified as CRLF (the message was stored with LF)`);
  if (report.verificationTime !== undefined) lines.push(`${indent}checked at:     ${report.verificationTime}`);
  report.signers.forEach((signer, i) => lines.push(...signerLines(signer, i, indent)));
  lines.push(...errorLines(report.errors, indent));
  return lines;
}

function signerLines(signer: SignerReport, index: number, indent: string): string[] {
  const at = `${indent}  `;
  const lines = [`${indent}signer ${index + 1}:       ${signer.addresses.join(', ') || '(no address)'}`];
  lines.push(`${at}signature:    ${signer.signatureValid ? 'valid' : 'NOT valid'} (${signer.digest}, ${signer.signatureAlgorithm})`);
  lines.push(`${at}trusted:      ${yesNo(signer.trusted)}`);
  lines.push(`${at}matches From: ${yesNo(signer.matchesFrom)}`);
  if (signer.signingTime !== undefined) lines.push(`${at}signed at:    ${signer.signingTime}`);
  lines.push(...revocationLines(signer, at));
  if (signer.certificate !== null) {
    lines.push(`${at}subject:      ${signer.certificate.subject}`);
    lines.push(`${at}issuer:       ${signer.certificate.issuer}`);
    lines.push(`${at}serial:       ${signer.certificate.serial}`);
    lines.push(`${at}sha-256:      ${signer.certificate.sha256}`);
  }
  return lines;
}

const REVOCATION_TEXT: Readonly<Record<SignerReport['revocation'], string>> = {
  good: 'good',
  revoked: 'REVOKED',
  unknown: 'unknown (no usable answer)',
  'not-checked': 'not checked',
};

/** The path's revocation status, then one line per certificate asked about: its answer and where it came from. */
function revocationLines(signer: SignerReport, at: string): string[] {
  const lines = [`${at}revocation:   ${REVOCATION_TEXT[signer.revocation]}`];
  for (const check of signer.revocationChecks ?? []) lines.push(`${at}  ${check.subject}: ${revocationCheckText(check)}`);
  return lines;
}

function revocationCheckText(check: RevocationCheck): string {
  const where = check.source === 'ocsp' ? `OCSP ${check.url ?? ''}`.trim() : check.url === undefined ? 'a --crl file' : `CRL ${check.url}`;
  if (check.status === 'good') return `good (${where})`;
  if (check.status === 'revoked') return `REVOKED on ${check.revokedAt ?? 'an unknown date'}${check.reason === undefined ? '' : `, ${check.reason}`} (${where})`;
  return `unknown: ${(check.problems ?? []).join('; ')}`;
}

function envelopedLines(report: EnvelopedFacts, indent: string): string[] {
  const lines: string[] = [];
  if (report.cipher !== undefined) {
    const auth = report.authenticated === true ? 'authenticated' : 'NOT authenticated';
    lines.push(`${indent}cipher:         ${report.cipher} (${auth})`);
  }
  if (report.keyTransport !== undefined) lines.push(`${indent}key transport:  ${report.keyTransport}`);
  if (report.keyAgreement !== undefined) lines.push(`${indent}key agreement:  ${report.keyAgreement}`);
  if (report.kem !== undefined) lines.push(`${indent}kem:            ${report.kem}`);
  if (report.encryptedPath !== undefined) lines.push(`${indent}encrypted part: ${report.encryptedPath}`);
  lines.push(...errorLines(report.errors, indent));
  return lines;
}

/**
 * RFC 9788 protected header fields: what the sender really wrote (the message's header), which of them
 * the outside hid, and which outer fields were changed on the way.
 */
function headerProtectionLines(hp: HeaderProtectionReport | undefined, indent: string): string[] {
  if (hp === undefined) return [];
  const by = [hp.signed ? 'signed' : '', hp.encrypted ? 'encrypted' : ''].filter(Boolean).join(' and ');
  const lines = [`${indent}protected header (RFC 9788, hp="${hp.hp}", ${by}):`];
  const hidden = new Set(hp.confidential);
  for (const h of hp.headers) {
    const note = hidden.has(h.name.toLowerCase()) ? '   (hidden outside)' : '';
    lines.push(`${indent}  ${`${h.name}:`.padEnd(15)} ${decodeHeaderWords(h.value)}${note}`);
  }
  for (const d of hp.outerDifferences) {
    const outer = d.outer.length === 0 ? 'removed' : d.outer.map((v) => JSON.stringify(decodeHeaderWords(v))).join(', ');
    const sent = d.expected.length === 0 ? 'none' : d.expected.map((v) => JSON.stringify(decodeHeaderWords(v))).join(', ');
    lines.push(`${indent}changed outside: ${d.name}: ${outer} (the sender left ${sent})`);
  }
  lines.push(...errorLines(hp.errors ?? [], indent));
  return lines;
}

function errorLines(errors: readonly ReportError[], indent: string): string[] {
  return errors.map((e) => `${indent}error:          ${e.message} [${e.code}]`);
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
