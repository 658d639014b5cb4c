import { type KeyStore, isSealpostError, normalizeAddress, pemEncode } from '@sealpost/core';
import type { RelayCollector } from '@sealpost/transport-sparkpost';

/** Where SparkPost's relay webhook should point; `/` is accepted too, for a target without a path. */
export const RELAY_WEBHOOK_PATH = '/webhooks/relay';
export const CERTIFICATES_PATH = '/certificates/';
export const HEALTH_PATH = '/healthz';

export interface KeyServerRoutesOptions {
  readonly collector: RelayCollector;
  readonly keystore: KeyStore;
}

/**
 * The key server as a fetch-style handler: the relay-webhook collector, certificate look-up and a
 * health check. Kept free of node:http so it can be served by anything that speaks Request/Response.
 */
export function keyServerRoutes(options: KeyServerRoutesOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path === RELAY_WEBHOOK_PATH || path === '/') return options.collector.handle(request);
    if (path === HEALTH_PATH) return readOnly(request, () => text(200, 'ok\n'));
    if (path.startsWith(CERTIFICATES_PATH)) return readOnly(request, () => certificateAnswer(options.keystore, path.slice(CERTIFICATES_PATH.length)));
    return text(404, 'not found\n');
  };
}

async function readOnly(request: Request, answer: () => Response | Promise<Response>): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  return answer();
}

/** The current certificate for an address as PEM, followed by the intermediates it was stored with. */
async function certificateAnswer(keystore: KeyStore, encoded: string): Promise<Response> {
  const address = decodedAddress(encoded);
  if (address === null) return text(400, 'not an e-mail address\n');
  let stored;
  try {
    stored = await keystore.get(address);
  } catch (error) {
    if (isSealpostError(error, 'ERR_ADDRESS_MALFORMED')) return text(400, 'not an e-mail address\n');
    throw error;
  }
  if (stored === null) return text(404, 'no certificate for this address\n');
  const pem = [stored.certificate, ...stored.chain].map((der) => pemEncode(der, 'CERTIFICATE')).join('');
  return new Response(pem, {
    status: 200,
    headers: {
      'Content-Type': 'application/pem-certificate-chain',
      'X-Certificate-Fingerprint': stored.fingerprint,
      'Cache-Control': 'no-cache',
    },
  });
}

function decodedAddress(encoded: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (decoded.includes('/')) return null;
  return normalizeAddress(decoded);
}

function text(status: number, body: string, headers?: Record<string, string>): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}
