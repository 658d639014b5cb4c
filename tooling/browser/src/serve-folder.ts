import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

/** A folder served over HTTP on loopback. */
export interface ServedFolder {
  /** e.g. `http://127.0.0.1:40123/`, with the trailing slash. */
  readonly url: string;
  /** Every request path served so far, in order (for asserting what a page loaded). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

export interface ServeFolderOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Extra response headers on every file (e.g. a Content-Security-Policy to test against). */
  readonly headers?: Readonly<Record<string, string>>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `folder` read-only on 127.0.0.1, as any static server would: GET and HEAD, `/` is
 * index.html, nothing outside the folder. Enough for a Vite build or a page with a module worker.
 */
export async function serveFolder(folder: string, options: ServeFolderOptions = {}): Promise<ServedFolder> {
  const root = resolve(folder);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handle(root, req, res, options.headers ?? {}).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => closeServer(server),
  };
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = fileFor(root, req.url ?? '/');
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || info === null || !info.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    'Cache-Control': 'no-store',
    ...headers,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

/** The file a URL path names inside root, or null when it would leave root or cannot be decoded. */
function fileFor(root: string, url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.close((error) => (error === undefined ? resolvePromise() : reject(error)));
    // Keep-alive connections would hold close() open until they time out.
    server.closeAllConnections();
  });
}
