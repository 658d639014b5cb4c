import type { FetchInit, FetchResponse } from '@sealpost/core';

/** When and how often a failed transmission request is tried again. */
export interface RetryPolicy {
  /** Requests made at most, the first included. Default 3; 1 disables retries. */
  readonly maxAttempts?: number;
  /** Backoff base: retry n waits a random time up to baseDelayMs * 2^(n-1). Default 1000. */
  readonly baseDelayMs?: number;
  /** No wait is longer; a Retry-After above it ends the retries at once. Default 30000. */
  readonly maxDelayMs?: number;
}

export interface SparkPostTracking {
  readonly open?: boolean;
  readonly click?: boolean;
}

/**
 * The fetch the transport calls; globalThis.fetch is one. Typed with core's FetchInit and FetchResponse
 * (the runtime's RequestInit and Response), so these declarations compile without the DOM lib.
 */
export type SparkPostFetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface SparkPostTransportOptions {
  /** The API key, sent as the Authorization header. Read it from your secrets; it never appears in errors. */
  readonly apiKey: string;
  /**
   * API host. Default https://api.sparkpost.com; SparkPost EU is https://api.eu.sparkpost.com. `/api/v1`
   * is appended unless the URL already ends with it.
   */
  readonly baseUrl?: string;
  /** Default globalThis.fetch. */
  readonly fetch?: SparkPostFetch;
  /** Per request, from sending to the last byte of the answer. Default 30000. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /**
   * Retry after a 5xx, a timeout or a lost connection, although the API may already have accepted the
   * transmission (the recipient may then get the message twice). Default false.
   */
  readonly retryUnknownOutcome?: boolean;
  /** `campaign_id`, at most 64 bytes. */
  readonly campaignId?: string;
  /** Transmission `metadata` (available in SparkPost's event webhooks), at most 1000 bytes as JSON. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** `options.sandbox`. */
  readonly sandbox?: boolean;
  /** `return_path`: the envelope sender; its domain must be a verified bounce domain. */
  readonly returnPath?: string;
  /** `options.transactional`. Default true for sealed messages; unset (SparkPost's default) otherwise. */
  readonly transactional?: boolean;
  /**
   * Open and click tracking rewrite the HTML of a message. Off unless asked for, and refused for sealed
   * messages (ERR_INVALID_ARGUMENT), since rewriting breaks a signature.
   */
  readonly tracking?: SparkPostTracking;
  /** Largest message sent. Default 20000000 (SparkPost documents 20 MB of content per transmission). */
  readonly maxMessageBytes?: number;
}

export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ResolvedOptions {
  readonly apiKey: string;
  readonly url: string;
  readonly fetch: SparkPostFetch;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryPolicy;
  readonly retryUnknownOutcome: boolean;
  readonly campaignId: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  readonly sandbox: boolean | undefined;
  readonly returnPath: string | undefined;
  readonly transactional: boolean | undefined;
  readonly tracking: { readonly open: boolean; readonly click: boolean };
  readonly maxMessageBytes: number;
}

export const DEFAULT_BASE_URL = 'https://api.sparkpost.com';
export const EU_BASE_URL = 'https://api.eu.sparkpost.com';
export const DEFAULT_MAX_MESSAGE_BYTES = 20_000_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: ResolvedRetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

const CAMPAIGN_ID_MAX_BYTES = 64;
const METADATA_MAX_BYTES = 1000;

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new RangeError(`createSparkPostTransport: ${name} must be an integer >= ${min}`);
  return value;
}

/** The Transmissions endpoint for a base URL given with or without its `/api/v1` path. */
export function transmissionsUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError('createSparkPostTransport: baseUrl must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('createSparkPostTransport: baseUrl must be http(s)');
  if (parsed.username !== '' || parsed.password !== '') throw new TypeError('createSparkPostTransport: baseUrl must not carry credentials');
  if (parsed.search !== '' || parsed.hash !== '') throw new TypeError('createSparkPostTransport: baseUrl must not carry a query or fragment');
  const path = parsed.pathname.replace(/\/+$/, '');
  const apiRoot = path.endsWith('/api/v1') ? path : `${path}/api/v1`;
  return `${parsed.origin}${apiRoot}/transmissions`;
}

function resolveRetry(retry: RetryPolicy | undefined): ResolvedRetryPolicy {
  const maxAttempts = positiveInteger(retry?.maxAttempts, DEFAULT_RETRY.maxAttempts, 'retry.maxAttempts');
  const baseDelayMs = positiveInteger(retry?.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 'retry.baseDelayMs', 0);
  const maxDelayMs = positiveInteger(retry?.maxDelayMs, Math.max(DEFAULT_RETRY.maxDelayMs, baseDelayMs), 'retry.maxDelayMs', 0);
  if (maxDelayMs < baseDelayMs) throw new RangeError('createSparkPostTransport: retry.maxDelayMs must not be below retry.baseDelayMs');
  return { maxAttempts, baseDelayMs, maxDelayMs };
}

function resolveApiKey(apiKey: unknown): string {
  // Checked here so a bad key fails at setup, and never quoted: it is a secret.
  if (typeof apiKey !== 'string' || apiKey.trim() === '') throw new TypeError('createSparkPostTransport: apiKey must be a non-empty string');
  if (/[\r\n\0]/.test(apiKey)) throw new TypeError('createSparkPostTransport: apiKey must not contain line breaks');
  return apiKey;
}

function resolveCampaignId(campaignId: string | undefined): string | undefined {
  if (campaignId === undefined) return undefined;
  if (typeof campaignId !== 'string' || byteLength(campaignId) > CAMPAIGN_ID_MAX_BYTES)
    throw new RangeError(`createSparkPostTransport: campaignId must be a string of at most ${CAMPAIGN_ID_MAX_BYTES} bytes`);
  return campaignId;
}

function resolveMetadata(metadata: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError('createSparkPostTransport: metadata must be a plain object');
  if (byteLength(JSON.stringify(metadata)) > METADATA_MAX_BYTES) throw new RangeError(`createSparkPostTransport: metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON`);
  return metadata;
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`createSparkPostTransport: ${name} must be a boolean`);
}

export function resolveOptions(options: SparkPostTransportOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSparkPostTransport: options are required');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('createSparkPostTransport: no fetch available; pass options.fetch');
  if (options.returnPath !== undefined && (typeof options.returnPath !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(options.returnPath)))
    throw new TypeError('createSparkPostTransport: returnPath must be an e-mail address');
  return {
    apiKey: resolveApiKey(options.apiKey),
    url: transmissionsUrl(options.baseUrl ?? DEFAULT_BASE_URL),
    fetch: fetchImpl,
    timeoutMs: positiveInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    retry: resolveRetry(options.retry),
    retryUnknownOutcome: optionalBoolean(options.retryUnknownOutcome, 'retryUnknownOutcome') ?? false,
    campaignId: resolveCampaignId(options.campaignId),
    metadata: resolveMetadata(options.metadata),
    sandbox: optionalBoolean(options.sandbox, 'sandbox'),
    returnPath: options.returnPath,
    transactional: optionalBoolean(options.transactional, 'transactional'),
    tracking: {
      open: optionalBoolean(options.tracking?.open, 'tracking.open') ?? false,
      click: optionalBoolean(options.tracking?.click, 'tracking.click') ?? false,
    },
    maxMessageBytes: positiveInteger(options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes'),
  };
}
