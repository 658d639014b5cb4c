import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CRL_PATH = '/ca.crl';

export interface CrlServer {
  /** The distribution point: what the certificates name and verifiers fetch. */
  readonly url: string;
  /** GET requests for the CRL so far. */
  readonly requests: () => number;
  /** What the CA publishes from now on (DER, as RFC 5280 4.2.1.13 has it served over HTTP). */
  publish(der: Uint8Array): void;
  close(): Promise<void>;
}

/**
 * The test CA's CRL distribution point on loopback: `GET /ca.crl` answers the CRL last published as
 * application/pkix-crl (RFC 2585), 404 before any is and for every other path. Verifiers reach it with
 * their ordinary fetch, as they would a public CA's.
 */
export async function startCrlServer(): Promise<CrlServer> {
  let current: Uint8Array | null = null;
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== CRL_PATH || current === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    requests++;
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': String(current.length) }).end(current);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${CRL_PATH}`,
    requests: () => requests,
    publish: (der) => void (current = der.slice()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
