// The Markdown tables: one per message, one for pkijs's two ways of decrypting PKCS#1 v1.5, the machine.
import { GROUPS } from './cases.mjs';
import { cell, ms } from './format.mjs';

export function resultTables({ cases, backends, results }) {
  const columns = backends.filter((v) => v.only === undefined);
  const sections = GROUPS.filter((g) => cases.some((c) => c.group === g.id)).map((group) => ({
    title: group.title,
    table: table(
      ['key', 'operation', ...columns.map((v) => v.label)],
      cases.filter((c) => c.group === group.id).map((c) => [c.key, c.operation, ...columns.map((v) => cell(results.get(c.id).get(v.id)))]),
      2,
    ),
  }));
  const hook = backends.find((v) => v.id === 'pkijs-node-rsa');
  if (hook !== undefined) {
    const groupTitle = Object.fromEntries(GROUPS.map((g) => [g.id, g.title]));
    sections.push({
      id: 'pkijs-rsa',
      title: 'pkijs: PKCS#1 v1.5 decryption in BigInt JavaScript or through Node',
      table: table(
        ['message', 'key', 'operation', 'pkijs (BigInt RSA)', 'pkijs + Node raw RSA'],
        cases.filter((c) => c.rsaPkcs1Decrypt === true).map((c) => [groupTitle[c.group], c.key, c.operation, cell(results.get(c.id).get('pkijs')), cell(results.get(c.id).get(hook.id))]),
        3,
      ),
    });
  }
  return sections;
}

export function processStartTable(stats) {
  return table(['what', 'median / p95 ms'], [['`openssl version`: one process, no work', `${ms(stats.median)} / ${ms(stats.p95)}`]], 1);
}

export function machineTable(machine) {
  const { libraries } = machine;
  return table(['', 'this run'], [
    ['CPU', `${machine.cpu}, ${machine.cores} cores available`],
    ['memory', `${machine.memoryGiB.toFixed(0)} GiB`],
    ['system', machine.os],
    ['Node', `${machine.node} (its OpenSSL ${machine.nodeOpenssl}: WebCrypto and node:crypto)`],
    ['openssl binary', machine.opensslBinary],
    ['libraries', Object.entries(libraries).map(([name, version]) => `${name} ${version}`).join(', ')],
    ['load average at start', machine.loadAverage.toFixed(2)],
  ], 2);
}

/** The first `textColumns` columns are left-aligned, the rest (numbers) right-aligned. */
function table(header, rows, textColumns) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
