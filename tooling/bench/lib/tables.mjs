// The Markdown tables: one per message, one for pkijs's two ways of decrypting PKCS#1 v1.5, the machine.
import { GOALS, GROUPS } from './cases.mjs';
import { cell, ms, times } from './format.mjs';
import { rawLimitOf, throughputRatio } from './ratio.mjs';

export function resultTables({ cases, backends, raw = [], results }) {
  const columns = backends.filter((v) => v.only === undefined);
  const withRatio = (c, id) => ratioCell(results.get(c.id), id, raw);
  const sections = GROUPS.filter((g) => cases.some((c) => c.group === g.id)).map((group) => ({
    title: group.title,
    table: table(
      ['key', 'operation', ...columns.map((v) => v.label), ...raw.map((v) => v.label), 'goal'],
      cases.filter((c) => c.group === group.id).map((c) => [c.key, c.operation, ...columns.map((v) => withRatio(c, v.id)), ...raw.map((v) => cell(results.get(c.id).get(v.id))), goalCell(c)]),
      2,
    ),
  }));
  const portable = backends.find((v) => v.id === 'pkijs-portable');
  if (portable !== undefined && cases.some((c) => c.rsaPkcs1Decrypt === true)) {
    const groupTitle = Object.fromEntries(GROUPS.map((g) => [g.id, g.title]));
    sections.push({
      id: 'pkijs-rsa',
      title: 'pkijs: PKCS#1 v1.5 decryption in BigInt JavaScript (portable entry) or through Node (Node entry)',
      table: table(
        ['message', 'key', 'operation', 'pkijs portable (BigInt RSA)', 'pkijs on Node (Node raw RSA)', 'goal'],
        cases.filter((c) => c.rsaPkcs1Decrypt === true).map((c) => [groupTitle[c.group], c.key, c.operation, withRatio(c, portable.id), withRatio(c, 'pkijs'), goalCell(c)]),
        3,
      ),
    });
  }
  return sections;
}

/** A backend's cell with, after it, its throughput as a share of the faster raw variant's (medians). */
function ratioCell(row, id, raw) {
  const result = row?.get(id);
  const limit = rawLimitOf(row, raw);
  if (result?.stats === undefined || limit === undefined) return cell(result);
  return `${cell(result)} **${times(throughputRatio(result.stats.median, limit.stats.median))}**`;
}

function goalCell(benchCase) {
  const goal = GOALS[benchCase.kind];
  return goal === undefined ? '—' : `≥ ${goal}×`;
}

export function processStartTable(stats) {
  return table(['what', 'median / p95 ms'], [['`openssl version`: one process, no work', `${ms(stats.median)} / ${ms(stats.p95)}`]], 1);
}

export function machineTable(machine) {
  const { libraries } = machine;
  return table(
    ['', 'this run'],
    [
      ['CPU', `${machine.cpu}, ${machine.cores} cores available`],
      ['memory', `${machine.memoryGiB.toFixed(0)} GiB`],
      ['system', machine.os],
      ['Node', `${machine.node} (its OpenSSL ${machine.nodeOpenssl}: WebCrypto and node:crypto)`],
      ['openssl binary', machine.opensslBinary],
      [
        'libraries',
        Object.entries(libraries)
          .map(([name, version]) => `${name} ${version}`)
          .join(', '),
      ],
      ['load average at start', machine.loadAverage.toFixed(2)],
    ],
    2,
  );
}

/** The first `textColumns` columns are left-aligned, the rest (numbers) right-aligned. */
export function table(header, rows, textColumns) {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
