import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailureClass, FuzzReport } from './fuzz.js';
import { type Mutation, describeMutation } from './mutation.js';
import { OPERATIONS, type OperationResult, outcomeText } from './outcome.js';
import { type RecipientName, structureNamed } from './structures.js';
import { type CaseResult, type FuzzWorld, runMessage } from './world.js';

/** What sits beside a reproduction message: how it was made, and what each backend said then. */
export interface ReproMeta {
  readonly signature: string;
  readonly kind: string;
  readonly seed: number;
  readonly path: string;
  readonly structure: string;
  readonly producer: string;
  /** Who decrypted it (a test PKI identity, or one src/identities.ts adds); bob when absent. */
  readonly recipient?: RecipientName;
  readonly mutations: readonly Mutation[];
  /** Per mutation, the BER element it hit in the seed message (null for base64 and MIME mutations). */
  readonly targets?: readonly (string | null)[];
  readonly outcomes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** SHA-256 of the test root the message was checked against: a replay needs the same test PKI. */
  readonly pkiRoot?: string;
}

/** Writes `NN-<operation>.eml` (the exact bytes) and `NN-<operation>.json` (how it was made) into `dir`. */
export async function writeRepro(world: FuzzWorld, dir: string, index: number, report: FuzzReport, cls: FailureClass): Promise<string> {
  const shrunk = cls.shrunk!;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const base = join(dir, `${String(index + 1).padStart(2, '0')}-${cls.signature.split(':')[0]}-${cls.kind}`);
  const meta: ReproMeta = {
    signature: cls.signature,
    kind: cls.kind,
    seed: report.seed,
    path: shrunk.path,
    structure: shrunk.input.structure,
    producer: shrunk.result.producer,
    recipient: structureNamed(shrunk.input.structure).recipient ?? 'bob',
    mutations: shrunk.input.mutations,
    targets: shrunk.targets,
    outcomes: outcomesOf(shrunk.result.operations),
    pkiRoot: rootFingerprint(world),
  };
  await writeFile(`${base}.eml`, shrunk.result.message);
  await writeFile(`${base}.json`, `${JSON.stringify(meta, null, 2)}\n`);
  return `${base}.eml`;
}

export function outcomesOf(operations: readonly OperationResult[]): Record<string, Record<string, string>> {
  return Object.fromEntries(
    operations.map((op) => [
      op.operation,
      Object.fromEntries(op.results.map((r) => [r.backend, outcomeText(r.outcome) + r.untypedInside.map((u) => ` (inside: ${u.method} threw ${u.name}: ${u.message})`).join('')])),
    ]),
  );
}

function rootFingerprint(world: FuzzWorld): string {
  return createHash('sha256').update(world.pki.ca.cert).digest('hex');
}

export interface Replay {
  readonly file: string;
  /** False when the file was made with another test PKI (trust and recipient verdicts then differ). */
  readonly samePki: boolean | null;
  readonly meta: ReproMeta | null;
  readonly result: CaseResult;
}

/**
 * Runs a saved message (any .eml, not only one this tool wrote) through every operation and backend,
 * legacy ones included, decrypting as `recipient`, else as the .json says, else as bob.
 */
export async function replay(world: FuzzWorld, file: string, recipient?: RecipientName): Promise<Replay> {
  const message = new Uint8Array(await readFile(file));
  const meta = await readFile(file.replace(/\.eml$/, '.json'), 'utf8').then(
    (text) => JSON.parse(text) as ReproMeta,
    () => null,
  );
  const samePki = meta?.pkiRoot === undefined ? null : meta.pkiRoot === rootFingerprint(world);
  const settings = world.settingsFor(recipient ?? meta?.recipient ?? 'bob');
  return { file, meta, samePki, result: await runMessage(world, message, OPERATIONS, settings) };
}

export function renderReplay(r: Replay): string {
  const lines = [`replay: ${r.file}`];
  if (r.meta !== null) {
    lines.push(`  recorded: ${r.meta.kind} ${r.meta.signature}`);
    lines.push(`  made from: ${r.meta.structure} by ${r.meta.producer}, seed ${r.meta.seed}, path ${r.meta.path}, decrypted as ${r.meta.recipient ?? 'bob'}`);
    r.meta.mutations.forEach((m, j) => lines.push(`    ${describeMutation(m, r.meta?.targets?.[j])}`));
  }
  if (r.samePki === false)
    lines.push(
      '  WARNING: made with another test PKI (tooling/fixtures/pki was regenerated since): the signer no longer chains to the test root and bob no longer holds the recipient key, so trust and recipient verdicts differ from the recorded ones',
    );
  for (const [op, byBackend] of Object.entries(outcomesOf(r.result.operations))) {
    lines.push(`  ${op}:`);
    for (const [backend, text] of Object.entries(byBackend)) lines.push(`    ${backend.padEnd(8)} ${text}`);
  }
  lines.push(r.result.failures.length === 0 ? '  all backends agree' : `  ${r.result.failures.length} finding(s):`);
  for (const f of r.result.failures) lines.push(`    ${f.kind}: ${f.signature}`);
  return `${lines.join('\n')}\n`;
}
