import { base64Decode } from '@sealpost/core';
import { transportError } from '../errors.js';

/** One header of `content.headers`: an object with a single name and its value, in message order. */
export type RelayHeader = Readonly<Record<string, string>>;

/** What SparkPost parsed out of a relayed message, for convenience. The bytes in `message` are authoritative. */
export interface RelayContent {
  readonly html?: string;
  readonly text?: string;
  readonly subject?: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly headers: readonly RelayHeader[];
}

/** One message of a relay-webhook batch (`msys.relay_message`). */
export interface RelayMessage {
  /** The raw message, exactly as received: `email_rfc822`, base64-decoded when SparkPost encoded it. */
  readonly message: Uint8Array;
  /** True when SparkPost sent the message base64-encoded (it had non-UTF-8 bytes). */
  readonly wasBase64: boolean;
  readonly content: RelayContent;
  readonly customerId?: string;
  /** Address of the From header, as SparkPost read it. Not verified: only a signature says who sent it. */
  readonly friendlyFrom?: string;
  /** SMTP MAIL FROM. */
  readonly msgFrom?: string;
  /** SMTP RCPT TO. */
  readonly rcptTo?: string;
  readonly webhookId?: string;
  readonly protocol?: string;
}

class Malformed extends Error {}

function malformed(where: string, what: string): never {
  throw new Malformed(`${where}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordAt(parent: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const value = parent[key];
  if (!isRecord(value)) malformed(where, `${key} must be an object`);
  return value;
}

function optionalString(parent: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') malformed(where, `${key} must be a string`);
  return value;
}

function optionalStrings(parent: Record<string, unknown>, key: string, where: string): string[] | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) malformed(where, `${key} must be an array of strings`);
  return value as string[];
}

function headersOf(content: Record<string, unknown>, where: string): RelayHeader[] {
  const value = content['headers'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) malformed(where, 'content.headers must be an array');
  return value.map((header, i) => {
    if (!isRecord(header) || !Object.values(header).every((v) => typeof v === 'string')) malformed(where, `content.headers[${i}] must be an object of strings`);
    return header as RelayHeader;
  });
}

function messageBytes(content: Record<string, unknown>, where: string): { message: Uint8Array; wasBase64: boolean } {
  const raw = content['email_rfc822'];
  if (typeof raw !== 'string') malformed(where, 'content.email_rfc822 must be a string');
  const flag = content['email_rfc822_is_base64'];
  if (flag !== undefined && typeof flag !== 'boolean') malformed(where, 'content.email_rfc822_is_base64 must be a boolean');
  if (flag !== true) return { message: new TextEncoder().encode(raw), wasBase64: false };
  try {
    return { message: base64Decode(raw), wasBase64: true };
  } catch {
    return malformed(where, 'content.email_rfc822 is not base64');
  }
}

/** customer_id is a string in the documentation; a number is taken as its digits rather than dropping the mail. */
function customerIdOf(relay: Record<string, unknown>, where: string): string | undefined {
  const value = relay['customer_id'];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return optionalString(relay, 'customer_id', where);
}

function relayMessageOf(item: unknown, index: number): RelayMessage {
  const where = `relay batch item ${index}`;
  if (!isRecord(item)) malformed(where, 'not an object');
  const relay = recordAt(recordAt(item, 'msys', where), 'relay_message', where);
  const content = recordAt(relay, 'content', where);
  const { message, wasBase64 } = messageBytes(content, where);
  const html = optionalString(content, 'html', where);
  const text = optionalString(content, 'text', where);
  const subject = optionalString(content, 'subject', where);
  const to = optionalStrings(content, 'to', where);
  const cc = optionalStrings(content, 'cc', where);
  const optional = {
    customerId: customerIdOf(relay, where),
    friendlyFrom: optionalString(relay, 'friendly_from', where),
    msgFrom: optionalString(relay, 'msg_from', where),
    rcptTo: optionalString(relay, 'rcpt_to', where),
    webhookId: optionalString(relay, 'webhook_id', where),
    protocol: optionalString(relay, 'protocol', where),
  };
  return {
    message,
    wasBase64,
    content: {
      ...(html === undefined ? {} : { html }),
      ...(text === undefined ? {} : { text }),
      ...(subject === undefined ? {} : { subject }),
      ...(to === undefined ? {} : { to }),
      ...(cc === undefined ? {} : { cc }),
      headers: headersOf(content, where),
    },
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<Record<keyof typeof optional, string>>),
  };
}

function jsonOf(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return malformed('relay batch', 'not UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    return malformed('relay batch', 'not JSON');
  }
}

/**
 * The messages of a SparkPost relay-webhook batch: the JSON array SparkPost POSTs (as text, bytes or
 * already parsed). Anything off the documented shape throws ERR_WEBHOOK_MALFORMED naming the item
 * and field, and nothing of the batch is returned.
 */
export function parseRelayBatch(body: unknown): RelayMessage[] {
  try {
    const json = jsonOf(body);
    if (!Array.isArray(json)) malformed('relay batch', 'not a JSON array');
    return json.map((item, index) => relayMessageOf(item, index));
  } catch (error) {
    if (error instanceof Malformed) throw transportError('ERR_WEBHOOK_MALFORMED', `malformed relay webhook batch: ${error.message}`);
    throw error;
  }
}
