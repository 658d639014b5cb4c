// Ratios to the raw primitives: the same cryptographic work done directly (raw.mjs), measured in the
// same run and in turn with Sealpost, so that a figure is read against what the machine can do.

/**
 * The faster raw variant of a row, by median: `{ variant, stats, note }` (`note`: a library that did part
 * of the raw work, see raw.mjs), or undefined when none ran.
 */
export function rawLimitOf(row, raw) {
  let best;
  for (const variant of raw) {
    const stats = row?.get(variant.id)?.stats;
    if (stats !== undefined && (best === undefined || stats.median < best.stats.median)) best = { variant, stats, note: row.get(variant.id).note };
  }
  return best;
}

/**
 * Throughput of Sealpost over throughput of the raw primitives, from medians: 1.0 is as fast as the
 * limit, 0.25 is four times slower.
 */
export function throughputRatio(sealpostMedianMs, rawMedianMs) {
  return rawMedianMs / sealpostMedianMs;
}

/** "yes"/"no" for a ratio that must reach at least `goal`, or "—" when there is no goal. */
export function metAtLeast(value, goal) {
  if (goal === undefined || value === undefined) return '—';
  return value >= goal ? 'yes' : 'no';
}

/** "yes"/"no" for a multiple that must stay at most `goal`. */
export function metAtMost(value, goal) {
  if (goal === undefined || value === undefined) return '—';
  return value <= goal ? 'yes' : 'no';
}
