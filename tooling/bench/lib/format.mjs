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
  ERR_UNSUPPORTED_KEY_AGREEMENT: 'no such key agreement',
  ERR_UNSUPPORTED_KEM: 'no such KEM',
  ERR_UNSUPPORTED_SIGNATURE: 'no such signature',
  ERR_UNSUPPORTED_KEY_TRANSPORT: 'no such key transport',
  ERR_UNSUPPORTED_CIPHER: 'no such cipher',
  ERR_UNSUPPORTED_KEY: 'no such key type',
};

/**
 * A table cell: median / p95 in ms, and sequential operations per second; then, for a raw variant that
 * had a library do part of its work (ML-KEM and ML-DSA by @noble/post-quantum), which.
 */
export function cell(result) {
  if (result === undefined) return '';
  if (result.unsupported !== undefined) return `— (${UNSUPPORTED_NOTE[result.unsupported] ?? result.unsupported})`;
  const { median, p95, opsPerSecond: ops } = result.stats;
  return `${ms(median)} / ${ms(p95)} (${opsPerSecond(ops)}/s)${result.note === undefined ? '' : `, ${result.note}`}`;
}

/** A multiple as the ratio columns print it: 0.042×, 0.42×, 1.32× (two decimals, so 1.32 is not read as 1.3), 12×. */
export function times(value) {
  if (value < 0.1) return `${value.toPrecision(2)}×`;
  return value < 10 ? `${value.toFixed(2)}×` : `${value.toFixed(0)}×`;
}

/** MiB with one decimal. */
export function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A rate with a thin thousands separator: 12 345/s. */
export function rate(value, unit = '/s') {
  const rounded = value < 10 ? value.toFixed(1) : Math.round(value).toString();
  return `${rounded.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}${unit}`;
}
