import type { SendRecipientReport } from '@sealpost/core';
import { formatTable } from '../text-table.js';

/** One recipient's line of a send report: core's fields, plus the CSV line for bulk sends. */
export type RecipientOutcome = SendRecipientReport & { readonly line?: number };

export function allAccepted(recipients: readonly RecipientOutcome[]): boolean {
  return recipients.length > 0 && recipients.every((r) => r.status === 'accepted');
}

/** The human-readable report: a headline, then one row per recipient. */
export function renderSendReport(recipients: readonly RecipientOutcome[], target: string): string {
  const accepted = recipients.filter((r) => r.status === 'accepted').length;
  const rows = recipients.map((r) => [r.address, r.status, sealing(r), detail(r)]);
  return `send: ${accepted} of ${recipients.length} recipient(s) accepted (${target})\n${formatTable(['recipient', 'status', 'sealed', 'detail'], rows)}`;
}

function sealing(r: SendRecipientReport): string {
  const parts = [r.signed ? 'signed' : '', r.encrypted ? `encrypted${r.cipher === undefined ? '' : ` ${r.cipher}`}${unknownNote(r)}` : ''].filter(Boolean);
  return parts.length === 0 ? 'plain' : parts.join(', ');
}

/** Said whenever the cipher was not chosen from anything the recipient advertised. */
function unknownNote(r: SendRecipientReport): string {
  return r.capabilities === 'unknown' ? ' (capabilities unknown)' : '';
}

function detail(r: SendRecipientReport): string {
  if (r.error !== undefined) return `${r.error.message} [${r.error.code}]`;
  const parts = [r.response ?? (r.code === undefined ? '' : String(r.code)), r.id === undefined ? '' : `id ${r.id}`].filter(Boolean);
  return parts.join('; ') || '-';
}
