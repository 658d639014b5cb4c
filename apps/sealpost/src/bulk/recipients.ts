import { normalizeAddress } from '@sealpost/core';
import { CliError } from '../errors.js';
import { parseCsv } from './csv.js';

/** The columns that may hold the recipient's address, in the order they are looked for. */
export const ADDRESS_COLUMNS = ['email', 'address'] as const;

export interface BulkRecipient {
  /** Line of the CSV file the row starts on. */
  readonly line: number;
  /** The addr-spec, domain lower-cased: the key of the journal. */
  readonly address: string;
  /** Every column of the row by header name, for the template. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface BulkList {
  readonly columns: readonly string[];
  readonly recipients: readonly BulkRecipient[];
}

/**
 * The recipients of a bulk send: a header row naming the columns (one of them `email` or `address`,
 * any case), then one row per recipient. Every address must be a plain addr-spec and appear once:
 * the journal counts each address as one delivery.
 */
export function readBulkList(text: string): BulkList {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new CliError('ERR_CSV_MALFORMED', 'the file is empty: it needs a header row with an email (or address) column');
  const columns = header.fields.map((name) => name.trim());
  const repeated = columns.find((name, i) => name !== '' && columns.indexOf(name) !== i);
  if (repeated !== undefined) throw new CliError('ERR_CSV_MALFORMED', `line 1: the column "${repeated}" appears twice`);
  const addressIndex = addressColumn(columns);
  const seen = new Map<string, number>();
  const recipients = rows.map((row) => {
    const raw = row.fields[addressIndex]!.trim();
    const address = normalizeAddress(raw);
    if (address === null || raw.includes(',')) throw new CliError('ERR_CSV_MALFORMED', `line ${row.line}: "${raw}" is not an address like bob@example.com`);
    const earlier = seen.get(address);
    if (earlier !== undefined) throw new CliError('ERR_CSV_MALFORMED', `line ${row.line}: ${address} is already on line ${earlier}; each address may appear once`);
    seen.set(address, row.line);
    const fields: Record<string, string> = {};
    columns.forEach((name, i) => {
      if (name !== '') fields[name] = row.fields[i]!;
    });
    return { line: row.line, address, fields };
  });
  if (recipients.length === 0) throw new CliError('ERR_CSV_MALFORMED', 'the file has a header row but no recipients');
  return { columns: columns.filter((c) => c !== ''), recipients };
}

function addressColumn(columns: readonly string[]): number {
  for (const wanted of ADDRESS_COLUMNS) {
    const index = columns.findIndex((name) => name.toLowerCase() === wanted);
    if (index !== -1) return index;
  }
  throw new CliError('ERR_CSV_MALFORMED', `line 1: no email or address column in the header (${columns.join(', ')})`);
}
