import { pemEncode } from '@sealpost/core';
import type { SmtpAuth, SmtpTlsPolicy, SmtpTransportOptions } from './options.js';
import { parseSmtpUrl } from './smtp-url.js';

/** The options after defaults and checks: what the rest of the package works from. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: SmtpTlsPolicy;
  readonly auth: SmtpAuth | undefined;
  /** PEM certificates replacing the system roots. */
  readonly ca: readonly string[] | undefined;
  readonly servername: string | undefined;
  readonly name: string | undefined;
  readonly timeouts: { readonly connection: number; readonly greeting: number; readonly socket: number };
  readonly pool: { readonly maxConnections: number; readonly maxMessages: number } | undefined;
  readonly retry: { readonly attempts: number; readonly initialDelay: number; readonly maxDelay: number };
}

const TLS_POLICIES: readonly SmtpTlsPolicy[] = ['require', 'opportunistic', 'implicit'];

export function resolveSettings(options: SmtpTransportOptions): SmtpSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSmtpTransport: options must be an object');
  const target = targetOf(options);
  const tls = tlsPolicyOf(options.tls, target.tls);
  return {
    host: target.host,
    port: portOf(options.port ?? target.port, tls),
    tls,
    auth: authOf(options.auth, target.auth),
    ca: options.ca === undefined ? undefined : caPems(options.ca),
    servername: optionalName(options.servername, 'servername'),
    name: optionalName(options.name, 'name'),
    timeouts: {
      connection: positiveInteger(options.timeouts?.connection, 30_000, 'timeouts.connection'),
      greeting: positiveInteger(options.timeouts?.greeting, 30_000, 'timeouts.greeting'),
      socket: positiveInteger(options.timeouts?.socket, 600_000, 'timeouts.socket'),
    },
    pool: poolOf(options.pool),
    retry: {
      attempts: positiveInteger(options.retry?.attempts, 3, 'retry.attempts'),
      initialDelay: nonNegativeInteger(options.retry?.initialDelay, 1_000, 'retry.initialDelay'),
      maxDelay: nonNegativeInteger(options.retry?.maxDelay, 30_000, 'retry.maxDelay'),
    },
  };
}

function targetOf(options: SmtpTransportOptions): { host: string; port: number | undefined; tls: SmtpTlsPolicy | undefined; auth: SmtpAuth | undefined } {
  if (options.url !== undefined && options.host !== undefined) throw new TypeError('createSmtpTransport: give url or host, not both');
  if (options.url !== undefined) {
    if (typeof options.url !== 'string') throw new TypeError('createSmtpTransport: url must be a string');
    return parseSmtpUrl(options.url);
  }
  if (typeof options.host !== 'string' || options.host === '') throw new TypeError('createSmtpTransport: url or host is required');
  return { host: options.host, port: undefined, tls: undefined, auth: undefined };
}

function tlsPolicyOf(requested: SmtpTlsPolicy | undefined, fromUrl: SmtpTlsPolicy | undefined): SmtpTlsPolicy {
  if (requested !== undefined && !TLS_POLICIES.includes(requested)) {
    throw new TypeError(`createSmtpTransport: tls must be one of ${TLS_POLICIES.join(', ')}`);
  }
  if (fromUrl === 'implicit' && requested !== undefined && requested !== 'implicit') {
    throw new TypeError(`createSmtpTransport: an smtps:// url means tls 'implicit', not '${requested}'`);
  }
  return requested ?? fromUrl ?? 'require';
}

function portOf(port: number | undefined, tls: SmtpTlsPolicy): number {
  if (port === undefined) return tls === 'implicit' ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError('createSmtpTransport: port must be 1 to 65535');
  return port;
}

function authOf(given: SmtpAuth | undefined, fromUrl: SmtpAuth | undefined): SmtpAuth | undefined {
  if (given !== undefined && fromUrl !== undefined) throw new TypeError('createSmtpTransport: credentials are in both url and auth');
  const auth = given ?? fromUrl;
  if (auth === undefined) return undefined;
  if (typeof auth.user !== 'string' || auth.user === '' || typeof auth.pass !== 'string' || auth.pass === '') {
    throw new TypeError('createSmtpTransport: auth needs a non-empty user and pass');
  }
  if (auth.method !== undefined && auth.method !== 'PLAIN' && auth.method !== 'LOGIN') {
    throw new TypeError('createSmtpTransport: auth.method must be PLAIN or LOGIN');
  }
  // A copy, so the caller's object can change afterwards without changing what is sent.
  return auth.method === undefined ? { user: auth.user, pass: auth.pass } : { user: auth.user, pass: auth.pass, method: auth.method };
}

function caPems(ca: NonNullable<SmtpTransportOptions['ca']>): string[] {
  const list = typeof ca === 'string' || ca instanceof Uint8Array ? [ca] : [...ca];
  if (list.length === 0) throw new TypeError('createSmtpTransport: ca is empty');
  return list.map((entry) => {
    if (typeof entry === 'string') return entry;
    if (!(entry instanceof Uint8Array)) throw new TypeError('createSmtpTransport: ca entries must be PEM strings or DER bytes');
    // DER starts with a SEQUENCE tag; anything else is taken as PEM text.
    return entry[0] === 0x30 ? pemEncode(entry, 'CERTIFICATE') : new TextDecoder().decode(entry);
  });
}

function optionalName(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value)) {
    throw new TypeError(`createSmtpTransport: ${what} must be a host name without spaces or control characters`);
  }
  return value;
}

function poolOf(pool: SmtpTransportOptions['pool']): SmtpSettings['pool'] {
  if (pool === undefined || pool === false) return undefined;
  const given = pool === true ? {} : pool;
  return {
    maxConnections: positiveInteger(given.maxConnections, 5, 'pool.maxConnections'),
    maxMessages: positiveInteger(given.maxMessages, 100, 'pool.maxMessages'),
  };
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`createSmtpTransport: ${what} must be a positive integer`);
  return value;
}

function nonNegativeInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`createSmtpTransport: ${what} must be a non-negative integer`);
  return value;
}
