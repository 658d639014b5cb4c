import { domainToASCII } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { fromAddress, SealpostError, splitMessage } from '@sealpost/core';
import DKIM from 'nodemailer/lib/dkim';
import { dkimPrivateKey } from './dkim-key.js';
import type { SmtpDkimOptions } from './options.js';

/** Signs a message's final bytes: returns them with a DKIM-Signature field in front. */
export interface DkimSigner {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** RFC 6376 3.1: a selector is one or more sub-domains (RFC 5321 Let-dig [Ldh-str]). */
const SELECTOR = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
/** A domain name in its ASCII form (an IDN is given to domainToASCII first). */
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
/** RFC 5322 field-name: printable US-ASCII except colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const PREFIX = new TextEncoder().encode('DKIM-Signature:');

/**
 * The DKIM signer for a transport, its options checked now: TypeError for a malformed domain,
 * selector or field list, SealpostError ERR_DKIM_KEY for a key that cannot sign. The key stays in
 * this closure.
 */
export function createDkimSigner(options: SmtpDkimOptions): DkimSigner {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSmtpTransport: dkim must be an object');
  const domainName = options.domainName === undefined ? undefined : checkedDomain(options.domainName, 'dkim.domainName');
  const keySelector = checkedSelector(options.keySelector);
  const headerFieldNames = checkedFieldNames(options.headerFieldNames);
  const privateKey = dkimPrivateKey(options.privateKey);
  return {
    async sign(message: Uint8Array): Promise<Uint8Array> {
      const domain = domainName ?? fromDomainOf(message);
      return signed(message, { domainName: domain, keySelector, privateKey, ...(headerFieldNames === undefined ? {} : { headerFieldNames }) });
    },
  };
}

interface SignParameters {
  readonly domainName: string;
  readonly keySelector: string;
  readonly privateKey: KeyObject;
  readonly headerFieldNames?: string;
}

/**
 * nodemailer's signer hashes the body as it passes and writes the signature field, then the header
 * and the body exactly as they came. It sends the message on unsigned when it cannot sign (it
 * returns no field), so the result is checked to be the field followed by the very bytes given.
 */
async function signed(message: Uint8Array, parameters: SignParameters): Promise<Uint8Array> {
  const input = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of new DKIM({ ...parameters }).sign(input)) chunks.push(chunk as Buffer);
  } catch {
    // nodemailer's errors name options, not keys; still, nothing of it is passed on.
    throw signingFailed();
  }
  const output = Buffer.concat(chunks);
  const fieldLength = output.length - input.length;
  const signatureField = output.subarray(0, fieldLength);
  if (fieldLength <= PREFIX.length || !startsWith(signatureField, PREFIX) || !output.subarray(fieldLength).equals(input)) throw signingFailed();
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

function signingFailed(): SealpostError {
  return new SealpostError('ERR_DKIM_SIGN', 'DKIM signing failed (does the message have a header, a blank line and a body?); it was not sent');
}

/** RFC 6376 5.4 has From signed always, so a message must have exactly one, and DMARC aligns d= with its domain. */
function fromDomainOf(message: Uint8Array): string {
  const from = fromAddress({ headers: splitMessage(message).outerHeaders });
  if (from.status === 'missing') throw new SealpostError('ERR_FROM_MISSING', 'the message has no From address, which DKIM signs and takes its domain from');
  if (from.status === 'multiple') throw new SealpostError('ERR_FROM_MULTIPLE', 'the message has more than one From address; DKIM signs for exactly one');
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
  const ascii = domainToASCII(domain);
  if (!DOMAIN.test(ascii)) throw new SealpostError('ERR_ADDRESS_MALFORMED', 'the domain of the From address is not one a DKIM key can be published under');
  return ascii;
}

function checkedDomain(value: string, what: string): string {
  const ascii = typeof value === 'string' ? domainToASCII(value) : '';
  if (!DOMAIN.test(ascii)) throw new TypeError(`createSmtpTransport: ${what} must be a domain name like example.com`);
  return ascii;
}

function checkedSelector(value: string): string {
  if (typeof value !== 'string' || !SELECTOR.test(value)) throw new TypeError('createSmtpTransport: dkim.keySelector must be a selector like "mail" or "2026.mail"');
  return value;
}

function checkedFieldNames(names: readonly string[] | undefined): string | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string' && FIELD_NAME.test(name))) {
    throw new TypeError('createSmtpTransport: dkim.headerFieldNames must be a list of header field names');
  }
  // RFC 6376 5.4: the From field MUST be signed.
  if (!names.some((name) => name.toLowerCase() === 'from')) throw new TypeError('createSmtpTransport: dkim.headerFieldNames must include From');
  return names.join(':');
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
