import {
  type HeaderField,
  type Mailbox,
  SealpostError,
  addressesEqual,
  base64Encode,
  buildEntity,
  certificateAddresses,
  encodeHeaderWords,
  isSevenBitSafe,
  parseMailboxList,
  toCrlf,
  toHex,
  utf8Encode,
} from '@sealpost/core';

export interface Draft {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Default: now. */
  readonly date?: Date;
}

/**
 * An RFC 5322 message with CRLF line ends: From, To, Subject, Date, Message-ID and one text/plain part
 * (7bit when it is short-lined ASCII that no relay rewrites, else base64 of the UTF-8, so the signature
 * survives the trip). Bad addresses throw ERR_ADDRESS_MALFORMED.
 */
export function composeMessage(draft: Draft): Uint8Array {
  const from = mailboxes(draft.from, 'From');
  if (from.length !== 1) throw new SealpostError('ERR_ADDRESS_MALFORMED', 'From must hold exactly one address');
  const to = mailboxes(draft.to, 'To');
  const headers: HeaderField[] = [
    ['From', formatMailboxes(from)],
    ['To', formatMailboxes(to)],
    ['Subject', encodeHeaderWords(draft.subject)],
    ['Date', (draft.date ?? new Date()).toUTCString().replace('GMT', '+0000')],
    ['Message-ID', `<${toHex(crypto.getRandomValues(new Uint8Array(16)))}@${from[0]!.address.split('@').pop()}>`],
    ['MIME-Version', '1.0'],
    ...textPartHeaders(draft.text),
  ];
  return buildEntity(headers, textPartBody(draft.text));
}

/** The recipients' addresses of a draft (To), for the confirmation line. */
export function recipientAddresses(to: string): string[] {
  return mailboxes(to, 'To').map((m) => m.address);
}

/** Refuses to sign as someone the certificate does not name: recipients would see ERR_FROM_MISMATCH. */
export function assertCertificateFor(certificate: Uint8Array, from: string): void {
  const address = mailboxes(from, 'From')[0]?.address ?? '';
  const addresses = certificateAddresses(certificate);
  if (!addresses.some((a) => addressesEqual(a, address))) throw new SealpostError('ERR_FROM_MISMATCH', `your certificate is for ${addresses.join(', ') || 'no address'}, not for ${address}`);
}

function mailboxes(value: string, field: string): Mailbox[] {
  const list = parseMailboxList(value);
  if (list.length === 0) throw new SealpostError('ERR_ADDRESS_MALFORMED', `${field} holds no address`);
  return list;
}

function formatMailboxes(list: readonly Mailbox[]): string {
  return list
    .map((m) => {
      if (m.name === null || m.name === '') return m.address;
      const name = /^[\x20-\x7e]*$/.test(m.name) ? `"${m.name.replace(/["\\]/g, '\\$&')}"` : encodeHeaderWords(m.name);
      return `${name} <${m.address}>`;
    })
    .join(', ');
}

function textBytes(text: string): Uint8Array {
  return toCrlf(utf8Encode(text.endsWith('\n') || text === '' ? text : `${text}\n`));
}

/** Lines a relay may alter (a lone dot, `From ` at a line start) go as base64, as the CLI sends them. */
function isPlainAscii(text: string): boolean {
  return isSevenBitSafe(textBytes(text)) && !/(^|\n)(\.\r?\n|From )/.test(text);
}

function textPartHeaders(text: string): HeaderField[] {
  const charset = /^[\x00-\x7f]*$/.test(text) ? 'us-ascii' : 'utf-8';
  return [
    ['Content-Type', `text/plain; charset=${charset}`],
    ['Content-Transfer-Encoding', isPlainAscii(text) ? '7bit' : 'base64'],
  ];
}

function textPartBody(text: string): Uint8Array | string {
  return isPlainAscii(text) ? textBytes(text) : base64Encode(textBytes(text), 76);
}
