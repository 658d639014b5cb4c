// Runs every case on every backend: one case (a table row) at a time, its backends taking turns run by
// run, so that a slow spell of the machine falls on the whole row rather than on one column.
import { createSealpost } from '../../../packages/core/dist/index.js';
import { collectGarbage } from './gc.mjs';
import { measureInTurn } from './measure.mjs';

/** Map of case id to Map of variant id to `{ stats }` or `{ unsupported: code }`. */
export async function runCases({ cases, backends, settingsFor, onProgress = () => {} }) {
  const sealposts = new Map(backends.map((v) => [v.id, createSealpost({ backend: v.backend })]));
  const results = new Map();
  for (const [index, benchCase] of cases.entries()) {
    const variants = backends.filter((v) => appliesTo(v, benchCase));
    onProgress({ index, total: cases.length, benchCase, variants });
    results.set(benchCase.id, await measureRow(benchCase, variants, sealposts, settingsFor(benchCase.group)));
  }
  return results;
}

function appliesTo(variant, benchCase) {
  return variant.only === undefined || (variant.only === 'rsa-pkcs1-decrypt' && benchCase.rsaPkcs1Decrypt === true);
}

async function measureRow(benchCase, variants, sealposts, settings) {
  const row = new Map();
  const prepared = [];
  for (const variant of variants) {
    const operation = await attempt(benchCase, async () => {
      const op = await benchCase.prepare(sealposts.get(variant.id));
      op.check(await op.run());
      return op;
    });
    if (operation.unsupported !== undefined) row.set(variant.id, operation);
    else prepared.push([variant.id, operation]);
  }
  collectGarbage();
  const stats = await measureInTurn(prepared.map(([, op]) => op), settings).catch((error) => {
    throw failure(benchCase, error);
  });
  prepared.forEach(([id], i) => row.set(id, { stats: stats[i] }));
  return new Map(variants.map((v) => [v.id, row.get(v.id)]));
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
