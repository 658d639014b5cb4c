/**
 * Types of the runtime's AbortSignal and Fetch API as the public declarations name them. Each is the
 * runtime's own type where the consumer's type environment has one (the DOM lib, @types/node, a worker
 * runtime's types), and otherwise the part of it Sealpost uses: the published declarations then compile
 * with `lib: ["es2022"]` alone, and a package that runs anywhere does not force DOM or Node types on its
 * users. Inside Sealpost (built with the DOM lib) each is exactly the runtime's type.
 */

/** An AbortSignal: the runtime's, or what Sealpost reads of one. */
export type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer T } } ? T : AbortSignalShape;

/** What Sealpost reads of an AbortSignal, for a type environment that has none. */
export interface AbortSignalShape {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The init argument of fetch: the runtime's RequestInit, or what Sealpost passes in one. */
export type FetchInit = typeof globalThis extends { Request: { new (input: never, init?: infer I): unknown } } ? NonNullable<I> : FetchInitShape;

/** What Sealpost passes to fetch, for a type environment that has no Fetch API. */
export interface FetchInitShape {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array<ArrayBuffer> | string;
  readonly redirect?: 'error' | 'follow' | 'manual';
  readonly signal?: AbortSignalLike;
}

/** A fetch Request: the runtime's, or what Sealpost reads of one. */
export type FetchRequest = typeof globalThis extends { Request: { prototype: infer T } } ? T : FetchRequestShape;

/** What Sealpost reads of a fetch Request, for a type environment that has no Fetch API. */
export interface FetchRequestShape {
  readonly method: string;
  readonly url: string;
  readonly headers: FetchHeadersShape;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

/** A fetch Response: the runtime's, or what Sealpost reads of one. */
export type FetchResponse = typeof globalThis extends { Response: { prototype: infer T } } ? T : FetchResponseShape;

/** What Sealpost reads of a fetch Response, for a type environment that has no Fetch API. */
export interface FetchResponseShape {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: FetchHeadersShape;
  readonly body: unknown;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

/** What Sealpost reads of fetch Headers. */
export interface FetchHeadersShape {
  get(name: string): string | null;
}
