import type { ServerOptions } from 'node:http';

/**
 * How long the key server waits for clients, and how many it serves at once. Without these a client
 * that sends its headers and then trickles or stalls the body holds a connection (and a request in
 * flight) for as long as it likes, and a thousand such clients hold a thousand.
 */
export interface HttpLimits {
  /** Time to receive a request's headers, counted from the connection or the previous request, in ms. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included, in ms; then it is answered 408 and the connection closed. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests, in ms. */
  readonly keepAliveTimeoutMs: number;
  /** Most connections open at once; further ones are closed as soon as they are accepted. */
  readonly maxConnections: number;
}

/**
 * A relay batch is at most 25 MiB: 60 s lets it arrive at 3.5 Mbit/s. SparkPost sends its headers at
 * once, so 10 s is generous for them. 5 s keep-alive is Node's own default.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
};

/**
 * The node:http server options for `limits`. Node checks the header and request timeouts only every
 * `connectionsCheckingInterval` (30 s by default), so it is made small enough for the timeouts to be
 * kept to within a quarter of the shorter one (at most a second late).
 */
export function serverOptionsOf(limits: HttpLimits): ServerOptions {
  const shorter = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(shorter / 4))),
  };
}

/** A RangeError naming the first limit that is not usable. */
export function assertHttpLimits(limits: HttpLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new RangeError('headersTimeoutMs must not be longer than requestTimeoutMs');
}
