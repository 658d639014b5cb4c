import { createHash } from 'node:crypto';
import { createForgeBackend } from '@sealpost/backend-forge';
import { createOpensslBackend } from '@sealpost/backend-openssl';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { type CryptoBackend, type Sealpost, createSealpost, isSealpostError } from '@sealpost/core';

/** The backends under test: adding a backend is adding an entry here. */
export const BACKEND_FACTORIES: readonly { readonly name: string; readonly create: () => CryptoBackend | Promise<CryptoBackend> }[] = [
  { name: 'pkijs', create: () => createPkijsBackend() },
  { name: 'forge', create: () => createForgeBackend() },
  { name: 'openssl', create: () => createOpensslBackend() },
];

/**
 * An error other than SealpostError that a backend method threw (core may have hidden it in a report),
 * or `InputModified` when the method changed bytes the caller gave it.
 */
export interface UntypedThrow {
  readonly method: string;
  readonly name: string;
  readonly message: string;
}

export interface BackendUnderTest {
  readonly name: string;
  readonly sp: Sealpost;
  /** Untyped throws since the last `drain`. */
  drain(): UntypedThrow[];
}

export async function createBackendsUnderTest(): Promise<BackendUnderTest[]> {
  return Promise.all(
    BACKEND_FACTORIES.map(async ({ name, create }) => {
      const seen: UntypedThrow[] = [];
      const backend = watched(await create(), seen);
      return { name, sp: createSealpost({ backend }), drain: () => seen.splice(0) };
    }),
  );
}

/**
 * The backend with every method wrapped to note untyped throws. Core turns them into ERR_BACKEND or
 * the generic decryption failure, so without this a TypeError inside a backend would look typed.
 * Generic over the method names, so it keeps working whatever the backend interface becomes.
 */
function watched(backend: CryptoBackend, seen: UntypedThrow[]): CryptoBackend {
  const note = (method: string, error: unknown): void => {
    if (isSealpostError(error)) return;
    const e = error as { name?: unknown; message?: unknown } | null;
    seen.push({ method, name: typeof e?.name === 'string' ? e.name : typeof error, message: typeof e?.message === 'string' ? e.message.slice(0, 200) : String(error).slice(0, 200) });
  };
  // A new object rather than a Proxy: the backends are frozen, and a Proxy must return frozen values unchanged.
  const copy: Record<string, unknown> = {};
  for (const key of allKeys(backend)) {
    const value: unknown = (backend as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'function') {
      copy[key] = value;
      continue;
    }
    copy[key] = (...args: unknown[]) => {
      const before = fingerprint(args);
      const after = (): void => {
        if (fingerprint(args) !== before) seen.push({ method: key, name: 'InputModified', message: 'the backend changed bytes it was given' });
      };
      try {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(backend, args);
        if (result instanceof Promise)
          return result.then(
            (ok: unknown) => {
              after();
              return ok;
            },
            (error: unknown) => {
              after();
              note(key, error);
              throw error;
            },
          );
        after();
        return result;
      } catch (error) {
        after();
        note(key, error);
        throw error;
      }
    };
  }
  return copy as unknown as CryptoBackend;
}

/** A digest of every byte array in a request, one level deep: the message, the content, certificates. */
function fingerprint(args: readonly unknown[]): string {
  const hash = createHash('sha256');
  const add = (v: unknown): void => {
    if (v instanceof Uint8Array) hash.update(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  for (const arg of args) {
    add(arg);
    if (typeof arg === 'object' && arg !== null && !(arg instanceof Uint8Array)) Object.values(arg).forEach(add);
  }
  return hash.digest('hex');
}

function allKeys(object: object): string[] {
  const keys = new Set<string>();
  for (let o: object | null = object; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null)
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') keys.add(k);
  return [...keys];
}
