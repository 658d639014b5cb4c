/**
 * Fetching CRLs and OCSP responses with the caller's `fetch` (globalThis.fetch by default, so core
 * stays runtime-neutral): http: only, no redirects, a timeout, and a size limit enforced while the
 * body is read, so a slow or endless responder costs at most that much time and memory.
 */
import { SealpostError, throwIfAborted } from '../errors.js';
import type { AbortSignalLike, FetchInit, FetchResponse } from '../runtime-types.js';

/** The part of the Fetch API the checker uses; globalThis.fetch is one. */
export type RevocationFetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface FetchLimits {
  readonly fetch: RevocationFetch;
  /** Milliseconds for one request, from sending it to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Most bytes one answer may have. */
  readonly maxBytes: number;
  readonly signal?: AbortSignalLike;
}

/** Why a fetch gave no answer; the message names the URL and the reason, never any content. */
export class FetchFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchFailure';
  }
}

/** Whether the checker fetches from this URL: an absolute http: URL (RFC 5280 and RFC 6960 name http). */
export function isFetchable(url: string): boolean {
  try {
    return new URL(url).protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The body of a 200 answer to GET `url` (a CRL) or to POST `body` (an OCSP request). Throws
 * FetchFailure for every way of getting no answer, and ERR_ABORTED when the caller's signal fired.
 */
export async function fetchBytes(url: string, limits: FetchLimits, post?: { readonly body: Uint8Array; readonly contentType: string }): Promise<Uint8Array> {
  throwIfAborted(limits.signal);
  if (!isFetchable(url)) throw new FetchFailure(`${url} is not an http: URL`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const onAbort = (): void => controller.abort();
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const init: FetchInit = {
      method: post === undefined ? 'GET' : 'POST',
      redirect: 'error',
      signal: controller.signal,
      ...(post === undefined ? {} : { body: post.body as Uint8Array<ArrayBuffer>, headers: { 'content-type': post.contentType } }),
    };
    const response = await limits.fetch(url, init);
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new FetchFailure(`${url} answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new FetchFailure(`${url} answered ${declared} bytes, over the limit of ${limits.maxBytes}`);
    }
    return await readBounded(response, url, limits.maxBytes);
  } catch (error) {
    throwIfAborted(limits.signal);
    if (error instanceof FetchFailure) throw error;
    if (controller.signal.aborted) throw new FetchFailure(`${url} did not answer within ${limits.timeoutMs} ms`);
    // fetch rejects with a TypeError for refused connections, DNS failures and refused redirects.
    throw new FetchFailure(`${url} could not be fetched (${error instanceof Error ? error.message : 'unknown error'})`);
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
}

async function readBounded(response: FetchResponse, url: string, maxBytes: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FetchFailure(`${url} answered more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A caller's mistake in the revocation settings, thrown before any request. */
export function revocationSettingError(message: string): SealpostError {
  return new SealpostError('ERR_INVALID_ARGUMENT', message);
}
