import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyStore, Sealpost } from '@sealpost/core';
import { type CollectorEvent, createRelayCollector } from '@sealpost/transport-sparkpost';
import { CliError } from '../errors.js';
import type { Log } from './log.js';
import { keyServerRoutes } from './key-server-routes.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, assertHttpLimits, serverOptionsOf } from './limits.js';
import { sendFetchResponse, toFetchRequest } from './node-fetch-adapter.js';

export interface KeyServerOptions {
  readonly sealpost: Sealpost;
  readonly keystore: KeyStore;
  /** Certificates (DER) a signer's chain must reach before its certificate is stored. */
  readonly trustAnchors: readonly Uint8Array[];
  /** The relay webhook's auth token. */
  readonly token: string;
  readonly host: string;
  /** 0 takes a free port. */
  readonly port: number;
  readonly log: Log;
  readonly maxBodyBytes?: number;
  /** How long `close` waits for requests in flight before cutting their connections. Default 10 s. */
  readonly drainMs?: number;
  /** Timeouts and the connection cap; each missing one is taken from DEFAULT_HTTP_LIMITS. */
  readonly limits?: Partial<HttpLimits>;
}

export interface KeyServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  /** Stops accepting, lets requests in flight finish (up to drainMs), then resolves. */
  close(): Promise<void>;
}

/** The relay-webhook key collector and certificate look-up, served over node:http. */
export async function startKeyServer(options: KeyServerOptions): Promise<KeyServer> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  assertHttpLimits(limits);
  const collector = createRelayCollector({
    sealpost: options.sealpost,
    keystore: options.keystore,
    trustAnchors: options.trustAnchors,
    token: options.token,
    log: (event) => options.log(collectorLogEvent(event)),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  const route = keyServerRoutes({ collector, keystore: options.keystore });
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let origin = '';

  const server = createServer(serverOptionsOf(limits), (req, res) => {
    inFlight += 1;
    void answer(req, res).finally(() => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  });
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = pathOf(req);
    let status = 500;
    try {
      const response = await route(toFetchRequest(req, origin));
      status = response.status;
      await sendFetchResponse(response, res, req);
    } catch {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('500\n');
      else res.destroy();
    }
    const ms = Math.round(performance.now() - started);
    // Node answered 408 itself and closed the connection: that is what the client got.
    if (timedOut(req)) options.log({ event: 'http', method: req.method ?? '', path, status: 408, ms, reason: 'request-timeout' });
    else options.log({ event: 'http', method: req.method ?? '', path, status, ms });
  }

  await listen(server, options.port, options.host);
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  options.log({ event: 'listening', url: origin });

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
        timer.unref();
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        // close() stops accepting and ends idle keep-alive connections; busy ones end after their answer.
        server.close(() => done());
        server.closeIdleConnections();
        if (inFlight === 0) return;
        drained = () => server.closeIdleConnections();
      }),
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EACCES' ? 'permission denied' : (error.code ?? 'error');
      reject(new CliError('ERR_LISTEN', `cannot listen on ${host}:${port}: ${why}`, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
}

/** True when the server's request timeout closed the connection before the request had arrived. */
function timedOut(req: IncomingMessage): boolean {
  return (req.socket.errored as NodeJS.ErrnoException | null)?.code === 'ERR_HTTP_REQUEST_TIMEOUT';
}

/** The path alone: a query string may carry something a client should not have put there. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return (query === -1 ? url : url.slice(0, query)).slice(0, 300);
}

function collectorLogEvent(event: CollectorEvent): Record<string, string | number | boolean | null | readonly string[]> {
  const { type, ...rest } = event;
  const flat: Record<string, string | number | boolean | null | readonly string[]> = { event: type === 'message' ? 'relay-message' : type === 'batch' ? 'relay-batch' : 'relay-refused' };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) flat[key] = value as string | number | boolean | null | readonly string[];
  return flat;
}
