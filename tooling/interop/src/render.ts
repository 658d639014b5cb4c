import { featureName } from './abilities.js';
import { labeller, problemsOf } from './problems.js';
import type { CellResult, MatrixResult, Refusal } from './results.js';

export interface RenderOptions {
  /** Shown as the generation date; default the run's start. */
  readonly generatedAt?: Date;
}

interface Note {
  readonly key: string;
  readonly refusal: Refusal;
  readonly cells: CellResult[];
  readonly observed: Set<string>;
}

/** The whole page: participants, one table per operation (rows produce, columns consume), notes, controls. */
export function renderMarkdown(result: MatrixResult, options: RenderOptions = {}): string {
  const label = labeller(result);
  const notes = collectNotes(result);
  const date = (options.generatedAt ?? new Date(result.startedAt)).toISOString().slice(0, 10);
  const lines: string[] = [
    '# Interop matrix',
    '',
    `Generated ${date} by \`pnpm interop\` (tooling/interop) in ${(result.durationMs / 1000).toFixed(1)} s. Do not edit by hand: run it again.`,
    '',
    'Every Sealpost backend and three independent S/MIME implementations each produce every operation, and every one of them',
    'consumes what every other made. A cell passes only on the expected verdict: a signature valid and trusted (anchored at',
    'the test root, signer alice@example.com) with exactly the signed bytes, or a decryption with exactly the encrypted bytes',
    '(and, for Sealpost, AES-GCM reported authenticated and AES-CBC not). Sealpost consumers read whole messages through',
    '`verify`, `decrypt` and `open`; peers get the DER CMS (and the detached content) taken out of the message.',
    '',
    '## Participants',
    '',
    '| participant | kind | version (peers) or declared capabilities (backends) |',
    '|---|---|---|',
    ...result.actors.map((a) => `| ${a.label} | ${a.kind === 'sealpost' ? 'Sealpost backend' : 'peer'} | ${cellText(a.version ?? `not available: ${a.setupError ?? ''}`)} |`),
    '',
    '## Legend',
    '',
    '- ✅ pass: the expected verdict and the exact content bytes.',
    '- ❌ FAIL: both sides claim support and the cell did not pass.',
    '- ➖ unsupported by *who* [note]: declared unsupported (backend capabilities or known peer limits) and confirmed by trying it anyway; the notes below say why.',
    '- ⚠️ unexpected: declared unsupported, yet it worked: the declaration is wrong and must be fixed.',
    '',
  ];
  for (const operation of result.operations) {
    const consumers = result.actors;
    lines.push(`## ${operation.title}`, '', operation.definition, '');
    lines.push(`| producer ↓ / consumer → | ${consumers.map((c) => c.label).join(' | ')} |`);
    lines.push(`|---|${consumers.map(() => '---').join('|')}|`);
    for (const producer of result.actors) {
      const cells = consumers.map((consumer) => result.cells.find((c) => c.operation === operation.id && c.producer === producer.id && c.consumer === consumer.id));
      // The cipher and key transport used go in the row when one production served every consumer.
      const uses = new Set(cells.map((c) => (c === undefined ? '' : usedText(c))).filter((t) => t !== ''));
      const shared = uses.size === 1 ? [...uses][0] : undefined;
      const row = cells.map((cell) => {
        if (cell === undefined) return '';
        const used = shared === undefined && usedText(cell) !== '' ? ` <br>${usedText(cell)}` : '';
        return `${cellSymbol(cell, notes, label)}${used}`;
      });
      lines.push(`| **${producer.label}**${shared === undefined ? '' : ` <br>${shared}`} | ${row.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(...renderNotes(notes, label));
  lines.push(...renderControls(result, label));
  const problems = problemsOf(result);
  lines.push('## Failures', '', ...(problems.length === 0 ? ['None.'] : problems.map((p) => `- ${cellText(p)}`)), '');
  return lines.join('\n');
}

function cellSymbol(cell: CellResult, notes: Map<string, Note>, label: (id: string) => string): string {
  switch (cell.status) {
    case 'pass':
      return '✅';
    case 'fail':
      return '❌ FAIL';
    case 'unexpected':
      return '⚠️ unexpected';
    case 'unsupported': {
      const byWho = [...new Set(cell.refusals.map((r) => label(r.actor)))].join(', ');
      const refs = cell.refusals.map((r) => notes.get(noteKey(r))?.key).filter((k) => k !== undefined);
      return `➖ unsupported by ${byWho} ${[...new Set(refs)].map((k) => `[${k}]`).join('')}`;
    }
  }
}

function usedText(cell: CellResult): string {
  return cell.cipher === null ? '' : `${cell.cipher}, ${cell.keyTransport ?? '?'}`;
}

function noteKey(refusal: Refusal): string {
  return `${refusal.actor} ${refusal.role} ${refusal.feature}`;
}

function collectNotes(result: MatrixResult): Map<string, Note> {
  const notes = new Map<string, Note>();
  for (const cell of result.cells) {
    if (cell.status !== 'unsupported') continue;
    for (const refusal of cell.refusals) {
      const id = noteKey(refusal);
      let note = notes.get(id);
      if (note === undefined) {
        note = { key: String(notes.size + 1), refusal, cells: [], observed: new Set() };
        notes.set(id, note);
      }
      note.cells.push(cell);
      if (refusal.observed !== null) note.observed.add(refusal.observed);
    }
  }
  return notes;
}

function renderNotes(notes: Map<string, Note>, label: (id: string) => string): string[] {
  if (notes.size === 0) return [];
  const lines = ['## Unsupported cells explained', ''];
  for (const note of notes.values()) {
    const { refusal } = note;
    const verb = refusal.role === 'producer' ? 'does not make' : 'does not read';
    lines.push(`**[${note.key}] ${label(refusal.actor)} ${verb} ${featureName(refusal.feature)}.** ${cellText(refusal.reason)}.`, '');
    const observed = [...note.observed];
    if (observed.length > 0) {
      lines.push(refusal.role === 'producer' ? 'Asked for it anyway, it:' : 'Given it anyway, it failed with:', '');
      lines.push(...observed.slice(0, 4).map((o) => `- \`${o.replace(/`/g, "'")}\``));
      if (observed.length > 4) lines.push(`- and ${observed.length - 4} more`);
      lines.push('');
    } else if (refusal.role === 'consumer') {
      lines.push('Not tried in these cells: the producer made nothing to read.', '');
    }
    const cells = note.cells.map((c) => `${label(c.producer)} → ${label(c.consumer)} (${c.operation})`);
    lines.push(`Cells: ${cells.join('; ')}.`, '');
  }
  return lines;
}

function renderControls(result: MatrixResult, label: (id: string) => string): string[] {
  if (result.controls.length === 0) return [];
  const consumers = [...new Set(result.controls.map((c) => c.consumer))];
  const controls = [...new Map(result.controls.map((c) => [c.control, c.title])).entries()];
  const lines = [
    '## Controls',
    '',
    'Messages every consumer must refuse, made by the PKI.js backend: a consumer whose "pass" means something rejects all of them.',
    '',
    `| control | ${consumers.map(label).join(' | ')} |`,
    `|---|${consumers.map(() => '---').join('|')}|`,
  ];
  for (const [id, title] of controls) {
    const row = consumers.map((consumer) => {
      const found = result.controls.find((c) => c.control === id && c.consumer === consumer);
      if (found === undefined) return '';
      return found.rejected ? '✅ rejected' : '❌ ACCEPTED';
    });
    lines.push(`| ${cellText(title)} | ${row.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

function cellText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
