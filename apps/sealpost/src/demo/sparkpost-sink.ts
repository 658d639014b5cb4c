import { type IncomingHttpHeaders, type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Transmission {
  /** recipients[].address.email, in order. */
  readonly recipients: readonly string[];
  /** content.email_rfc822 as bytes (UTF-8): the message exactly as it was handed over. */
  readonly rfc822: Uint8Array;
  readonly openTracking: unknown;
  readonly clickTracking: unknown;
}

export interface TransmissionRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

export interface TransmissionAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Set when the transmission was accepted. */
  readonly transmission?: Transmission;
}

const MAX_CONTENT_BYTES = 20_000_000;

/**
 * SparkPost's Transmissions API as its documentation describes it, for a raw RFC 822 transmission:
 * the route, the API key in Authorization, a JSON body, at least one recipient with an address, and
 * `content.email_rfc822` (at most 20 MB, with no line holding a single dot). The errors use the
 * API's shape `{ errors: [{ message, code?, description? }] }`.
 */
export function answerTransmission(request: TransmissionRequest, apiKey: string, id: string): TransmissionAnswer {
  const error = (status: number, message: string, code?: string, description?: string): TransmissionAnswer => ({
    status,
    body: { errors: [{ message, ...(code === undefined ? {} : { code }), ...(description === undefined ? {} : { description }) }] },
  });
  if (request.method !== 'POST' || request.path.replace(/\/+$/, '') !== '/api/v1/transmissions') return error(404, 'resource not found', '1600');
  if (request.headers['authorization'] !== apiKey) return error(401, 'Unauthorized.');
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return error(415, 'Unsupported Media Type');
  let json: { recipients?: unknown; content?: { email_rfc822?: unknown }; options?: { open_tracking?: unknown; click_tracking?: unknown } };
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body)) as typeof json;
  } catch {
    return error(400, 'invalid data format/type', '1300');
  }
  const recipients = Array.isArray(json.recipients) ? json.recipients.map(recipientAddress) : [];
  if (recipients.length === 0 || recipients.some((r) => r === null)) return error(422, 'required field is missing', '1400', 'recipients');
  const rfc822 = json.content?.email_rfc822;
  if (typeof rfc822 !== 'string') return error(422, 'required field is missing', '1400', 'content object or template_id required');
  const bytes = new TextEncoder().encode(rfc822);
  if (bytes.length > MAX_CONTENT_BYTES) return error(413, 'content too large', '5002');
  if (/(^|\n)\.\r?(\n|$)/.test(rfc822)) return error(422, 'invalid data format/type', '1300', 'email_rfc822 must not contain a line with a single dot');
  return {
    status: 200,
    body: { results: { total_rejected_recipients: 0, total_accepted_recipients: recipients.length, id } },
    transmission: { recipients: recipients as string[], rfc822: bytes, openTracking: json.options?.open_tracking, clickTracking: json.options?.click_tracking },
  };
}

function recipientAddress(recipient: unknown): string | null {
  const address = (recipient as { address?: unknown } | null)?.address;
  if (typeof address === 'string') return address;
  const email = (address as { email?: unknown } | null | undefined)?.email;
  return typeof email === 'string' && email.includes('@') ? email : null;
}

export interface SparkPostSink {
  /** What SPARKPOST_BASE_URL would be. */
  readonly baseUrl: string;
  readonly received: Transmission[];
  close(): Promise<void>;
}

/** A local HTTP server that answers like SparkPost's Transmissions API and keeps what it accepted. */
export async function startSparkPostSink(apiKey: string): Promise<SparkPostSink> {
  const received: Transmission[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const answer = answerTransmission({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }, apiKey, transmissionId(received.length));
      if (answer.transmission !== undefined) received.push(answer.transmission);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function transmissionId(index: number): string {
  return String(84_000_000_000_000_000n + BigInt(index));
}

export function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
