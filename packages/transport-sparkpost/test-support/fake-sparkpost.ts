// A local HTTP server that speaks SparkPost's documented Transmissions contract, over real sockets.
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  /** performance.now() when the whole body had arrived. */
  readonly at: number;
}

/** What the server does with one request: answer, never answer, or drop the connection. */
export type Reply = { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } | { readonly hang: true } | { readonly reset: true };

export interface FakeSparkPost {
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export const TEST_API_KEY = 'test-key-5f1c0a7e9b2d4c68';

/** SparkPost's own checks, in the order its documentation implies: route, key, JSON, required fields. */
export function contractReply(request: ReceivedRequest, apiKey = TEST_API_KEY): Reply {
  if (request.method !== 'POST' || request.path.replace(/\/+$/, '') !== '/api/v1/transmissions') return { status: 404, body: { errors: [{ message: 'resource not found', code: '1600' }] } };
  if (request.headers.authorization !== apiKey) return { status: 401, body: { errors: [{ message: 'Unauthorized.' }] } };
  if (!String(request.headers['content-type']).startsWith('application/json')) return { status: 415, body: { errors: [{ message: 'Unsupported Media Type' }] } };
  const json = request.json as { recipients?: unknown; content?: { email_rfc822?: unknown } } | undefined;
  if (json === undefined) return { status: 400, body: { errors: [{ message: 'invalid JSON', code: '1300' }] } };
  if (!Array.isArray(json.recipients) || json.recipients.length === 0) return { status: 422, body: { errors: [{ message: 'required field is missing', description: 'recipients', code: '1400' }] } };
  if (typeof json.content?.email_rfc822 !== 'string')
    return { status: 422, body: { errors: [{ message: 'required field is missing', description: 'content object or template_id required', code: '1400' }] } };
  return {
    status: 200,
    body: { results: { total_rejected_recipients: 0, total_accepted_recipients: json.recipients.length, id: `tx-${request.at.toFixed(0)}` } },
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, req: IncomingMessage, r: Reply): void {
  if ('hang' in r) return;
  if ('reset' in r) {
    req.socket.destroy();
    return;
  }
  const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, { 'Content-Type': 'application/json', ...r.headers });
  res.end(text);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Starts the server. `script(request, index)` picks the reply for each request (index from 0); the
 * default follows the contract. `port` 0 takes a free port.
 */
export async function startFakeSparkPost(script: (request: ReceivedRequest, index: number) => Reply = (r) => contractReply(r), port = 0): Promise<FakeSparkPost> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: parseJson(body),
        at: performance.now(),
      };
      requests.push(received);
      reply(res, req, script(received, requests.length - 1));
    });
  });
  const actual = await listen(server, port);
  return {
    baseUrl: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on right now (taken, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
