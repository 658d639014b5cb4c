import { SealpostError, type Envelope } from '@sealpost/core';

const CR = 0x0d;
const LF = 0x0a;

/**
 * The message as SMTP can carry it unchanged: CRLF line ends only and no NUL. nodemailer would
 * turn a bare CR or LF into CRLF, which changes signed bytes, so such a message is refused.
 */
export function checkedMessage(message: Uint8Array): Uint8Array {
  if (!(message instanceof Uint8Array)) throw new TypeError('send: message must be a Uint8Array');
  if (message.byteLength === 0) throw new SealpostError('ERR_INVALID_ARGUMENT', 'the message is empty');
  // indexOf (memchr) line by line, not a JavaScript loop over every byte: this runs for every copy sent.
  // The first fault in the message is the one reported.
  const nul = message.indexOf(0);
  const bareCr = firstWhere(message, CR, (i) => message[i + 1] !== LF);
  const bareLf = firstWhere(message, LF, (i) => message[i - 1] !== CR);
  const first = Math.min(...[nul, bareCr, bareLf].filter((i) => i !== -1));
  if (first === nul) throw new SealpostError('ERR_INVALID_ARGUMENT', `the message has a NUL byte at offset ${nul}, which SMTP cannot carry`);
  if (first === bareCr) throw new SealpostError('ERR_INVALID_ARGUMENT', `the message has a bare CR at offset ${bareCr}; SMTP needs CRLF line ends`);
  if (first === bareLf) throw new SealpostError('ERR_INVALID_ARGUMENT', `the message has a bare LF at offset ${bareLf}; SMTP needs CRLF line ends`);
  return message;
}

/** The offset of the first `byte` for which `faulty` holds, or -1. */
function firstWhere(message: Uint8Array, byte: number, faulty: (offset: number) => boolean): number {
  for (let i = message.indexOf(byte); i !== -1; i = message.indexOf(byte, i + 1)) if (faulty(i)) return i;
  return -1;
}

export interface CheckedEnvelope {
  readonly from: string;
  /** Without duplicates, in the order given. */
  readonly to: readonly string[];
}

export function checkedEnvelope(envelope: Envelope): CheckedEnvelope {
  if (typeof envelope !== 'object' || envelope === null) throw new TypeError('send: envelope is required');
  // An empty reverse path (MAIL FROM:<>) is legitimate: it is how bounces are sent.
  if (envelope.from !== '') checkedAddress(envelope.from, 'envelope sender');
  if (!Array.isArray(envelope.to)) throw new TypeError('send: envelope.to must be an array');
  const to = [...new Set(envelope.to.map((address) => checkedAddress(address, 'envelope recipient')))];
  if (to.length === 0) throw new SealpostError('ERR_NO_RECIPIENTS', 'the envelope has no recipients');
  return { from: envelope.from, to };
}

function checkedAddress(address: string, what: string): string {
  if (typeof address !== 'string') throw new TypeError(`send: ${what} must be a string`);
  // Anything that could end or extend an SMTP command line is refused, not stripped.
  if (address === '' || /[\x00-\x20<>\x7f]/.test(address) || !address.includes('@')) {
    throw new SealpostError('ERR_ADDRESS_MALFORMED', `${what} is not a plain address (local@domain)`);
  }
  return address;
}
