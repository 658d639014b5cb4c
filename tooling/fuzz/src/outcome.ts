import { type Identity, isSealpostError } from '@sealpost/core';
import type { BackendUnderTest, UntypedThrow } from './backends.js';

/**
 * decrypt-legacy and open-legacy are decrypt and open under `policy: { legacy: true }`, which reads 3DES
 * and RC2: they run on structures that carry a legacy cipher (and on replays), so the default refusal
 * (ERR_WEAK_CIPHER) and the reading path are both compared.
 */
export const OPERATIONS = ['verify', 'decrypt', 'open', 'decrypt-legacy', 'open-legacy'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const LEGACY_OPERATIONS: readonly Operation[] = ['decrypt-legacy', 'open-legacy'];

/** What one backend made of one message in one operation, reduced to what must agree. */
export type Outcome =
  | {
      readonly kind: 'report';
      readonly status: string;
      /** Sorted, without repeats. */
      readonly codes: readonly string[];
      /** decrypt and decrypt-legacy only. */
      readonly authenticated?: boolean;
      readonly cipher?: string;
    }
  | { readonly kind: 'threw'; readonly code: string }
  | { readonly kind: 'untyped'; readonly name: string; readonly message: string }
  | { readonly kind: 'timeout' };

export interface BackendResult {
  readonly backend: string;
  readonly outcome: Outcome;
  /** Untyped errors thrown inside the backend during the call, even if core reported them typed. */
  readonly untypedInside: readonly UntypedThrow[];
  readonly ms: number;
}

export interface OperationResult {
  readonly operation: Operation;
  readonly results: readonly BackendResult[];
}

/**
 * A broken promise, named by a short signature so that many cases with the same cause count as one class.
 * `unstable`: a disagreement that a second run of the same bytes did not repeat. It is reported, not
 * counted as a failure: with PKCS#1 v1.5 key transport a damaged key block must yield a random content
 * key (RFC 3218), so about 1 time in 256 a backend "decrypts" CBC content to garbage where the others fail.
 */
export interface Failure {
  readonly kind: 'disagreement' | 'untyped' | 'timeout' | 'unstable';
  readonly signature: string;
}

export function isFailure(f: { readonly kind: Failure['kind'] }): boolean {
  return f.kind !== 'unstable';
}

export interface CallSettings {
  readonly identity: Identity;
  readonly trustAnchors: readonly Uint8Array[];
  /** Per call; an operation over this counts as a failure. */
  readonly timeoutMs: number;
}

export async function runOperations(backends: readonly BackendUnderTest[], message: Uint8Array, operations: readonly Operation[], settings: CallSettings): Promise<OperationResult[]> {
  const out: OperationResult[] = [];
  for (const operation of operations) {
    // The backends run side by side: openssl waits on its processes while the others compute.
    const results = await Promise.all(backends.map((b) => runOne(b, operation, message, settings)));
    out.push({ operation, results });
  }
  return out;
}

async function runOne(b: BackendUnderTest, operation: Operation, message: Uint8Array, settings: CallSettings): Promise<BackendResult> {
  b.drain();
  const started = performance.now();
  const call = callOperation(b, operation, message, settings).then(summarize, thrown);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), settings.timeoutMs);
  });
  const outcome = await Promise.race([call, late]);
  clearTimeout(timer);
  return { backend: b.name, outcome, untypedInside: b.drain(), ms: performance.now() - started };
}

function callOperation(b: BackendUnderTest, operation: Operation, message: Uint8Array, s: CallSettings): Promise<unknown> {
  const policy = LEGACY_OPERATIONS.includes(operation) ? { policy: { legacy: true } } : {};
  if (operation === 'verify') return b.sp.verify(message, { trustAnchors: s.trustAnchors });
  if (operation === 'decrypt' || operation === 'decrypt-legacy') return b.sp.decrypt(message, { identity: s.identity, ...policy });
  return b.sp.open(message, { identities: [s.identity], trustAnchors: s.trustAnchors, ...policy });
}

function summarize(report: unknown): Outcome {
  const r = report as { status: string; errors: readonly { code: string }[]; authenticated?: boolean; cipher?: string };
  return {
    kind: 'report',
    status: r.status,
    codes: [...new Set(r.errors.map((e) => e.code))].sort(),
    ...(r.authenticated === undefined ? {} : { authenticated: r.authenticated }),
    ...(r.cipher === undefined ? {} : { cipher: r.cipher }),
  };
}

function thrown(error: unknown): Outcome {
  if (isSealpostError(error)) return { kind: 'threw', code: error.code };
  const e = error as { name?: unknown; message?: unknown } | null;
  return { kind: 'untyped', name: typeof e?.name === 'string' ? e.name : typeof error, message: typeof e?.message === 'string' ? e.message.slice(0, 200) : String(error).slice(0, 200) };
}

/** Codes and decrypt facts that every backend reported alike. */
interface Shared {
  readonly codes: ReadonlySet<string>;
  readonly facts: ReadonlySet<string>;
}

const NOTHING_SHARED: Shared = { codes: new Set(), facts: new Set() };

function factsOf(o: Outcome): string[] {
  if (o.kind !== 'report') return [];
  return [...(o.cipher === undefined ? [] : [o.cipher]), ...(o.authenticated === undefined ? [] : [o.authenticated ? 'auth' : 'unauth'])];
}

function sharedFacts(outcomes: readonly Outcome[]): Shared {
  const everywhere = (lists: string[][]): Set<string> => new Set(lists[0]?.filter((x) => lists.every((l) => l.includes(x))) ?? []);
  if (outcomes.some((o) => o.kind !== 'report')) return NOTHING_SHARED;
  return { codes: everywhere(outcomes.map((o) => (o.kind === 'report' ? [...o.codes] : []))), facts: everywhere(outcomes.map(factsOf)) };
}

/**
 * The part of an outcome that every backend must share, as short text. With `shared`, what all
 * backends said alike is left out, so the same cause on different structures makes one class.
 */
export function outcomeText(o: Outcome, shared: Shared = NOTHING_SHARED): string {
  switch (o.kind) {
    case 'report': {
      const facts = factsOf(o).filter((f) => !shared.facts.has(f));
      const codes = o.codes.filter((c) => !shared.codes.has(c));
      return `${o.status}[${codes.join(',')}]${facts.length === 0 ? '' : `{${facts.join(',')}}`}`;
    }
    case 'threw':
      return `throws ${o.code}`;
    case 'untyped':
      return `untyped ${o.name}`;
    case 'timeout':
      return 'timeout';
  }
}

/** Every promise an operation's results break: agreement across backends, typed errors, time. */
export function failuresOf(r: OperationResult, timeoutMs: number): Failure[] {
  const failures: Failure[] = [];
  const texts = r.results.map((x) => outcomeText(x.outcome));
  if (new Set(texts).size > 1) {
    const shared = sharedFacts(r.results.map((x) => x.outcome));
    const short = r.results.map((x) => outcomeText(x.outcome, shared));
    failures.push({
      kind: 'disagreement',
      signature: `${r.operation}: ${grouped(
        r.results.map((x) => x.backend),
        short,
      )}`,
    });
  }
  for (const x of r.results) {
    if (x.outcome.kind === 'untyped') failures.push({ kind: 'untyped', signature: `${r.operation}: ${x.backend} threw ${x.outcome.name} out of ${r.operation}` });
    for (const inside of x.untypedInside) failures.push({ kind: 'untyped', signature: `${r.operation}: ${x.backend} backend.${inside.method} threw ${inside.name}` });
    if (x.outcome.kind === 'timeout') failures.push({ kind: 'timeout', signature: `${r.operation}: ${x.backend} over ${timeoutMs} ms` });
  }
  return unique(failures);
}

/**
 * "pkijs+forge=valid[] | openssl=invalid[ERR_CMS_MALFORMED]": which backend said what. Codes every
 * backend reported are left out of the signature (they are in the reproduction's details).
 */
function grouped(names: readonly string[], texts: readonly string[]): string {
  const by = new Map<string, string[]>();
  texts.forEach((t, i) => by.set(t, [...(by.get(t) ?? []), names[i]!]));
  return [...by.entries()].map(([t, who]) => `${who.join('+')}=${t}`).join(' | ');
}

function unique(failures: readonly Failure[]): Failure[] {
  const seen = new Set<string>();
  return failures.filter((f) => (seen.has(f.signature) ? false : (seen.add(f.signature), true)));
}
