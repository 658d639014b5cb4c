// Numbers as the tables print them.

/** Milliseconds with about three significant digits. */
export function ms(value) {
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

export function opsPerSecond(value) {
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

export function ratio(a, b) {
  const r = a / b;
  return r < 10 ? r.toFixed(1) : r.toFixed(0);
}

const UNSUPPORTED_NOTE = {
  ERR_UNSUPPORTED_KEY_AGREEMENT: 'no ECDH',
  ERR_UNSUPPORTED_KEY_TRANSPORT: 'no such key transport',
  ERR_UNSUPPORTED_CIPHER: 'no such cipher',
  ERR_UNSUPPORTED_KEY: 'no such key type',
};

/** A table cell: median / p95 in ms, and sequential operations per second. */
export function cell(result) {
  if (result === undefined) return '';
  if (result.unsupported !== undefined) return `— (${UNSUPPORTED_NOTE[result.unsupported] ?? result.unsupported})`;
  const { median, p95, opsPerSecond: ops } = result.stats;
  return `${ms(median)} / ${ms(p95)} (${opsPerSecond(ops)}/s)`;
}
