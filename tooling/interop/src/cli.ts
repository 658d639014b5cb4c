#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sectionOf, withSection } from './curve25519-section.js';
import { runMatrix } from './matrix.js';
import { peersFromSetting } from './peers/peer-list.js';
import { problemsOf } from './problems.js';
import { renderMarkdown } from './render.js';

// `node tooling/interop/dist/cli.js [--write FILE] [--json FILE] [--peers openssl,nss,gpgsm]`
// Runs the matrix and prints the Markdown page (or writes it). Exit 1 when any cell fails.

const USAGE = 'usage: cli.js [--write FILE] [--json FILE] [--peers openssl,nss,gpgsm] [--concurrency N]\n';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      write: { type: 'string' },
      json: { type: 'string' },
      peers: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const peers = peersFromSetting(values.peers ?? process.env['SEALPOST_INTEROP_PEERS']);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  const result = await runMatrix({ peers, ...(concurrency === undefined ? {} : { concurrency }) });
  const markdown = renderMarkdown(result);
  if (values.write === undefined) process.stdout.write(markdown);
  else await writeText(values.write, await withKeptSections(values.write, markdown));
  if (values.json !== undefined) await writeText(values.json, `${JSON.stringify(result, null, 2)}\n`);
  const counts = new Map<string, number>();
  for (const cell of result.cells) counts.set(cell.status, (counts.get(cell.status) ?? 0) + 1);
  const summary = [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
  const problems = problemsOf(result);
  process.stderr.write(`interop: ${result.cells.length} cells (${summary}) in ${(result.durationMs / 1000).toFixed(1)} s${values.write === undefined ? '' : `; wrote ${values.write}`}\n`);
  for (const problem of problems) process.stderr.write(`  ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
}

/**
 * The page with the sections other tests write into it kept: the Ed25519 / X25519 section comes from
 * bouncycastle.slow.test.ts, not from this run, so rewriting the page must not drop it.
 */
async function withKeptSections(path: string, markdown: string): Promise<string> {
  const previous = await readFile(resolve(path), 'utf8').catch(() => '');
  const section = sectionOf(previous);
  return section === undefined ? markdown : withSection(markdown, section);
}

async function writeText(path: string, text: string): Promise<void> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`interop: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
  },
);
