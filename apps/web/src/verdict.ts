import type { OpenReport } from '@sealpost/core';
import { reasonFor } from './reasons.js';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral';

export interface Reason {
  readonly code: string;
  readonly sentence: string;
}

/** The one line a reader sees first, as a mail client should show it, and why. */
export interface Verdict {
  readonly status: string;
  readonly tone: Tone;
  readonly title: string;
  readonly summary: string;
  /** One plain sentence per distinct error code, in the order core reported them. */
  readonly reasons: readonly Reason[];
}

interface Headline {
  readonly tone: Tone;
  readonly title: string;
  readonly summary: string;
}

// One headline per status of docs/verdicts.md (verify, decrypt and open).
const HEADLINES: Readonly<Record<string, Headline>> = {
  valid: {
    tone: 'good',
    title: 'Valid signature',
    summary: 'The signature checks out, a trust anchor you gave vouches for the signer, and the signer is the sender in From.',
  },
  invalid: { tone: 'bad', title: 'Invalid signature', summary: 'Do not trust this message: its signature is wrong or does not belong to its sender.' },
  untrusted: {
    tone: 'warn',
    title: 'Untrusted signer',
    summary: 'The signature checks out, but no trust anchor you gave vouches for the signer.',
  },
  'not-signed': { tone: 'neutral', title: 'Not signed', summary: 'Nothing in this message is signed: anyone could have written it.' },
  'partially-signed': {
    tone: 'warn',
    title: 'Only partly signed',
    summary: 'A part inside the message is signed; the rest of it, header fields included, is not covered.',
  },
  decrypted: {
    tone: 'neutral',
    title: 'Decrypted, not signed',
    summary: 'The message was encrypted for you and is decrypted, but it is not signed: encryption does not say who wrote it.',
  },
  'not-encrypted': { tone: 'neutral', title: 'Not encrypted', summary: 'Nothing in this message is encrypted.' },
  failed: { tone: 'bad', title: 'Could not decrypt', summary: 'The message is encrypted and could not be opened.' },
  'partially-encrypted': {
    tone: 'warn',
    title: 'Only partly encrypted',
    summary: 'A part inside the message is encrypted; it is not decrypted into its unencrypted surroundings.',
  },
};

/** Status, headline and reasons of an open report. */
export function verdictOf(report: OpenReport): Verdict {
  const headline = HEADLINES[report.status] ?? { tone: 'bad', title: report.status, summary: '' };
  const codes = [...report.errors, ...(report.headerProtection?.errors ?? [])].map((e) => e.code);
  return { status: report.status, ...headline, reasons: reasonsOf(codes) };
}

/** The verdict when open itself refused the message (unreadable MIME or CMS, a limit, a bad input file). */
export function refusalVerdict(code: string): Verdict {
  return {
    status: 'error',
    tone: 'bad',
    title: 'Could not read the message',
    summary: 'Sealpost refused to read this message, so nothing in it can be trusted.',
    reasons: reasonsOf([code]),
  };
}

function reasonsOf(codes: readonly string[]): Reason[] {
  return [...new Set(codes)].map((code) => ({ code, sentence: reasonFor(code) }));
}
