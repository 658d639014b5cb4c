import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * The fetch-API Request for a node:http request. The body is streamed, not buffered, so a handler
 * that refuses a request (wrong token, too large) never reads it.
 */
export function toFetchRequest(req: IncomingMessage, origin: string, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers,
    ...(signal === undefined ? {} : { signal }),
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  };
  return new Request(new URL(req.url ?? '/', origin), init);
}

/**
 * Writes a fetch-API Response to a node:http response, then ends it. Resolves once it is written, or at
 * once when the connection is already gone (the client left, or a timeout closed it): `end`'s callback
 * never runs then, and waiting for it would keep every such request in memory.
 */
export async function sendFetchResponse(response: Response, res: ServerResponse, req: IncomingMessage): Promise<void> {
  const body = req.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (req.method !== 'HEAD') headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  await new Promise<void>((resolve) => {
    res.once('close', resolve);
    res.end(body, () => resolve());
  });
}
