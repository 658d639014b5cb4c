// The Ed25519 / X25519 section of docs/interop.md: written from what bouncycastle.slow.test.ts ran, never by
// hand. The matrix (matrix.ts) works on whole messages from the test PKI's RSA and EC parties; these rows use
// RFC 9216's carlos and dana and bare CMS, with BouncyCastle as the only peer that has both algorithms, so the
// test keeps its own table and `pnpm interop --write` carries the section over when it rewrites the page.

export type Curve25519OperationId = 'ed25519-detached' | 'ed25519-opaque' | 'x25519-gcm' | 'x25519-cbc';

export interface Curve25519Operation {
  readonly id: Curve25519OperationId;
  readonly title: string;
  readonly definition: string;
}

export const CURVE25519_OPERATIONS: readonly Curve25519Operation[] = [
  {
    id: 'ed25519-detached',
    title: 'Ed25519 signature, detached',
    definition:
      "carlos@smime.example signs with Ed25519 (RFC 8419: SHA-512, signed attributes); the consumer checks the signature over the detached content and that the LAMPS Ed25519 CA signed carlos's certificate.",
  },
  {
    id: 'ed25519-opaque',
    title: 'Ed25519 signature, opaque',
    definition: 'The same with the content inside SignedData; BouncyCastle and OpenSSL cms, as consumers, must also give back exactly the signed bytes.',
  },
  {
    id: 'x25519-gcm',
    title: 'X25519 key agreement, AES-256-GCM',
    definition:
      "AuthEnvelopedData to dana@smime.example's X25519 certificate (RFC 8418: an ephemeral-static KeyAgreeRecipientInfo, dhSinglePass-stdDH-sha256kdf-scheme, AES key wrap); the consumer must decrypt to exactly the content.",
  },
  {
    id: 'x25519-cbc',
    title: 'X25519 key agreement, AES-256-CBC',
    definition: 'The same as EnvelopedData with AES-256-CBC.',
  },
];

/**
 * One producer x consumer pair. `pass`: the consumer got the expected result. `refused`: a party known to lack
 * the algorithm failed, as expected (`detail`: its exact error). `fail`: a pair expected to work did not.
 * `unexpected`: a party known to lack the algorithm did not fail, so what the page says is out of date.
 */
export interface PairOutcome {
  readonly operation: Curve25519OperationId;
  readonly producer: string;
  readonly consumer: string;
  readonly status: 'pass' | 'refused' | 'fail' | 'unexpected';
  /** For `refused`, who refused (the producer, whose message never existed, or the consumer) and the command. */
  readonly refusedBy?: { readonly party: string; readonly command: string };
  readonly detail?: string;
}

/** A command run against a party that lacks the algorithm, and what it printed. */
export interface Attempt {
  readonly party: string;
  readonly command: string;
  readonly error: string;
}

export interface Curve25519Run {
  /** Participants in table order: producers are rows, consumers columns. */
  readonly participants: readonly string[];
  /** Peer versions as the page shows them (major.minor, so a patch release does not change the page). */
  readonly versions: readonly string[];
  readonly outcomes: readonly PairOutcome[];
  /** Commands tried apart from the pairs (another way to ask the same party), listed with the notes. */
  readonly attempts?: readonly Attempt[];
}

export const SECTION_START = '<!-- ed25519-x25519: written by tooling/interop/src/bouncycastle.slow.test.ts (SEALPOST_WRITE_DOCS=1), not by hand -->';
export const SECTION_END = '<!-- /ed25519-x25519 -->';

/**
 * An error as a peer printed it, without what changes from run to run or build to build: OpenSSL's thread
 * id before `error:` and the source file and line after the reason.
 */
export function normalizeError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines.filter((line) => /error:[0-9A-F]{8}:/.test(line)).map((line) => line.replace(/^[0-9A-F]+:(?=error:)/, '').replace(/:\.\.?\/.*$/, ''));
  const headline = lines.find((line) => !/error:[0-9A-F]{8}:/.test(line));
  if (errors.length === 0) return headline ?? '(no output)';
  return [headline, ...errors].filter((part) => part !== undefined).join(': ');
}

/** The section, Markdown, between its markers. */
export function renderCurve25519Section(run: Curve25519Run): string {
  const notes: string[] = [];
  const noteFor = (party: string, command: string, error: string): number => {
    const text = `**${party}**, \`${command}\`: \`${error}\``;
    const index = notes.indexOf(text);
    if (index >= 0) return index + 1;
    notes.push(text);
    return notes.length;
  };
  const cellOf = (outcome: PairOutcome | undefined): string => {
    if (outcome === undefined) return '—';
    if (outcome.status === 'pass') return '✅';
    if (outcome.status === 'fail') return `❌ FAIL: ${cellText(outcome.detail ?? '')}`;
    if (outcome.status === 'unexpected') return `⚠️ unexpected: ${cellText(outcome.detail ?? 'worked')}`;
    const by = outcome.refusedBy!;
    return `➖ ${by.party} [${noteFor(by.party, by.command, outcome.detail ?? '')}]`;
  };
  const tables = CURVE25519_OPERATIONS.flatMap((operation) => {
    const outcomes = run.outcomes.filter((o) => o.operation === operation.id);
    if (outcomes.length === 0) return [];
    return [
      `### ${operation.title}`,
      '',
      operation.definition,
      '',
      `| producer ↓ / consumer → | ${run.participants.join(' | ')} |`,
      `|---|${run.participants.map(() => '---').join('|')}|`,
      ...run.participants.map(
        (producer) => `| **${producer}** | ${run.participants.map((consumer) => cellOf(outcomes.find((o) => o.producer === producer && o.consumer === consumer))).join(' | ')} |`,
      ),
      '',
    ];
  });
  for (const attempt of run.attempts ?? []) noteFor(attempt.party, attempt.command, attempt.error);
  const failures = run.outcomes.filter((o) => o.status === 'fail' || o.status === 'unexpected');
  return [
    SECTION_START,
    '## Ed25519 and X25519 (RFC 8419, RFC 8418)',
    '',
    "Not rows of the matrix above, whose parties are the test PKI's RSA and EC keys: these pairs are what",
    '`tooling/interop/src/bouncycastle.slow.test.ts` runs, with the RFC 9216 example keys and bare DER CMS between the',
    `parties: every Sealpost backend, BouncyCastle and OpenSSL cms (${run.versions.join(', ')}). ✅ the expected result;`,
    '➖ the party lacks the algorithm and failed when tried, with its error in the note; ❌ and ⚠️ as in the legend above.',
    'The page is checked against each run of that test (`SEALPOST_WRITE_DOCS=1` rewrites this section).',
    '',
    ...tables,
    '### Refusals, as the parties printed them',
    '',
    ...(notes.length === 0 ? ['Nothing: no pair was refused.'] : notes.map((note, i) => `${i + 1}. ${note}`)),
    '',
    failures.length === 0 ? 'Failures: none.' : `Failures: ${failures.map((f) => `${f.producer} → ${f.consumer} (${f.operation})`).join('; ')}.`,
    SECTION_END,
  ].join('\n');
}

/** The section as a page holds it, markers included, or undefined. */
export function sectionOf(page: string): string | undefined {
  const start = page.indexOf(SECTION_START);
  const end = page.indexOf(SECTION_END, start);
  if (start < 0 || end < 0) return undefined;
  return page.slice(start, end + SECTION_END.length);
}

/** The page with `section` in place of its old one, or before "## Controls" (else at the end) when it had none. */
export function withSection(page: string, section: string): string {
  const old = sectionOf(page);
  if (old !== undefined) return page.replace(old, () => section);
  const controls = page.indexOf('\n## Controls\n');
  if (controls < 0) return `${page.replace(/\n*$/, '\n\n')}${section}\n`;
  return `${page.slice(0, controls + 1)}${section}\n\n${page.slice(controls + 1)}`;
}

function cellText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 200);
}
