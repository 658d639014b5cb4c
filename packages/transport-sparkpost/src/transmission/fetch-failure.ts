/**
 * What a rejected fetch() says about whether the request left this machine. Only a failure to open
 * the connection proves nothing was sent; anything else (a reset, a socket closed mid-answer, a
 * runtime that reports no cause at all, as browsers and workers do) may have followed a complete
 * request that the API accepted.
 */
export type FetchFailure = { readonly sent: false; readonly retryable: boolean; readonly code: string } | { readonly sent: 'unknown'; readonly code: string | null };

/** Connection could not be opened: the request was never written. Worth another try. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/** TLS refused the server before any request byte went out. Trying again will not change that. */
const TLS_FAILURES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codeOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Error codes on the cause chain (Node's fetch nests them; happy-eyeballs failures aggregate them). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = codeOf(current);
    if (code !== null) codes.push(code);
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const e of inner) if (codeOf(e) !== null) codes.push(codeOf(e)!);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export function classifyFetchFailure(error: unknown): FetchFailure {
  const codes = causeCodes(error);
  if (codes.length > 0 && codes.every((c) => CONNECT_FAILURES.has(c))) return { sent: false, retryable: true, code: codes[0]! };
  if (codes.length > 0 && codes.every((c) => TLS_FAILURES.has(c))) return { sent: false, retryable: false, code: codes[0]! };
  return { sent: 'unknown', code: codes[0] ?? null };
}
