// What parseMime keeps in memory for a message of many header fields or many small parts, as a multiple
// of the input size. Run over the built dist: `node tooling/bench/mime-memory.mjs [--headers N] [--parts N]`.
// A measurement, not a test: nothing is asserted.
import { parseMime } from '../../packages/core/dist/index.js';
import { collectGarbage } from './lib/gc.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const headerCount = option('--headers', 1000);
const partCount = option('--parts', 10_000);

/** Collects until the heap stops shrinking: buffers of earlier rows are freed a little later. */
async function settle() {
  for (let i = 0; i < 5; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage();
}

/** Heap and array buffers retained by the value `make` returns (kept alive until both are read). */
async function retained(make) {
  const before = await settle();
  const value = make();
  const after = await settle();
  const kept = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  if (value === undefined) throw new Error('nothing parsed');
  return kept;
}

/** `count` fields of `field` (e.g. "X: y"), then a body. */
function manyHeaders(count, field) {
  return new TextEncoder().encode(`${`${field}\r\n`.repeat(count)}\r\nbody\r\n`);
}

/** A multipart/mixed of `count` copies of `part` (headers, blank line, body). */
function manyParts(count, part) {
  return new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${`--b\r\n${part}\r\n`.repeat(count)}--b--\r\n`);
}

async function row(name, input, limits, use = (entity) => entity) {
  const kept = await retained(() => use(parseMime(input, limits)));
  console.log(`${name.padEnd(36)} input ${String(input.length).padStart(10)} B  retained ${String(kept).padStart(11)} B  ${(kept / input.length).toFixed(1)}x`);
}

const noHeaderLimits = { maxHeaders: Number.POSITIVE_INFINITY, maxHeaderBytes: Number.POSITIVE_INFINITY };
const partLimits = { maxParts: partCount + 1 };
// Parsing builds no header field; asking for `headers` builds (and keeps) them all.
const withFields = (entity) => (entity.headers.length >= 0 ? entity : undefined);
await row(`${headerCount} fields "X: y"`, manyHeaders(headerCount, 'X: y'), noHeaderLimits);
await row(`${headerCount} fields "X: y", .headers`, manyHeaders(headerCount, 'X: y'), noHeaderLimits, withFields);
await row(`${headerCount} fields "X-Field: value"`, manyHeaders(headerCount, 'X-Field: some value'), noHeaderLimits);
await row(`${partCount} parts "\\r\\nx"`, manyParts(partCount, '\r\nx'), partLimits);
await row(`${partCount} text/plain parts`, manyParts(partCount, 'Content-Type: text/plain\r\n\r\nsome text'), partLimits);
