// Runs every case on every backend: one case (a table row) at a time, its backends and the raw
// primitives taking turns run by run, so that a slow spell of the machine falls on the whole row
// rather than on one column, and each ratio compares runs made side by side.
import { createSealpost } from '../../../packages/core/dist/index.js';
import { collectGarbage } from './gc.mjs';
import { measureInTurn } from './measure.mjs';
import { prepareRaw } from './raw.mjs';

/**
 * Map of case id to Map of variant id to `{ stats }` or `{ unsupported: code or reason }`; the raw
 * variants (`raw`, see raw.mjs) are in the same map under their ids.
 */
export async function runCases({ cases, backends, raw = [], settingsFor, onProgress = () => {} }) {
  const sealposts = new Map(backends.map((v) => [v.id, createSealpost({ backend: v.backend })]));
  const results = new Map();
  for (const [index, benchCase] of cases.entries()) {
    const variants = backends.filter((v) => appliesTo(v, benchCase));
    onProgress({ index, total: cases.length, benchCase, variants });
    results.set(benchCase.id, await measureRow(benchCase, variants, raw, sealposts, settingsFor(benchCase.group)));
  }
  return results;
}

function appliesTo(variant, benchCase) {
  return variant.only === undefined || (variant.only === 'rsa-pkcs1-decrypt' && benchCase.rsaPkcs1Decrypt === true);
}

async function measureRow(benchCase, variants, raw, sealposts, settings) {
  const row = new Map();
  const prepared = [];
  const take = (id, operation) => {
    if (operation.unsupported !== undefined) row.set(id, operation);
    else prepared.push([id, operation]);
  };
  for (const variant of variants) {
    take(
      variant.id,
      await attempt(benchCase, async () => {
        const op = await benchCase.prepare(sealposts.get(variant.id));
        op.check(await op.run());
        return op;
      }),
    );
  }
  for (const variant of raw) {
    take(
      variant.id,
      await attempt(benchCase, async () => {
        const op = await prepareRaw(variant.flavor, benchCase.work);
        if (op.unsupported === undefined) op.check(await op.run());
        return op;
      }),
    );
  }
  collectGarbage();
  const stats = await measureInTurn(
    prepared.map(([, op]) => op),
    settings,
  ).catch((error) => {
    throw failure(benchCase, error);
  });
  prepared.forEach(([id, op], i) => row.set(id, { stats: stats[i], ...(op.note === undefined ? {} : { note: op.note }) }));
  return new Map([...variants, ...raw].map((v) => [v.id, row.get(v.id)]));
}

/**
 * A backend that does not claim an algorithm refuses it with a typed error, which makes an empty cell
 * rather than a failed run; it does so before any work, so one trial run finds out.
 */
async function attempt(benchCase, work) {
  try {
    return await work();
  } catch (error) {
    if (isUnsupported(error)) return { unsupported: error.code };
    throw failure(benchCase, error);
  }
}

function failure(benchCase, error) {
  return new Error(`${benchCase.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function isUnsupported(error) {
  return typeof error?.code === 'string' && error.code.startsWith('ERR_UNSUPPORTED_');
}
